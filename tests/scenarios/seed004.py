"""Seed 004 (Yantai-Zhifu, 烟台芝罘): the history behind its flow figures.

The article counts, since 2022, 21 procuratorial suggestions to 17 recipient units, all
adopted and rectified; typical cases selected at the national / provincial / municipal
level 1 / 6 / 5; 17 leads transferred between departments, 8 of which became cases.
:func:`seed004_commands` records such a period (2022-01-01 – 2024-06-30) for unit
``ZF`` in the ``apply`` format, with noise that a correct statistic must not count:

- a suggestion served in 2021 (outside the period), and one drafted but never served;
- nominations not selected, and a selection made in 2021 (before the period);
- a neighbouring unit (``FS``) with a suggestion not adopted, its own typical case and
  transferred lead;
- a transferred lead of 2021 that became a case, and transferred leads rejected.

``SEED004_EXPECTED`` holds the figure keys and values for ``ZF`` over ``PERIOD``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

UNIT = "ZF"
NOISE_UNIT = "FS"
PERIOD = (date(2022, 1, 1), date(2024, 6, 30))
AS_OF = date(2024, 7, 31)

SEED004_EXPECTED: dict[str, int] = {
    "suggestions.served": 21,
    "suggestions.recipients": 17,
    "suggestions.by_type.social_governance": 21,
    "suggestions.by_type.public_interest": 0,
    "suggestions.replied_on_time": 21,
    "suggestions.adopted": 21,
    "suggestions.rectified": 21,
    "suggestions.overdue": 0,
    "typical_cases.national.selected": 1,
    "typical_cases.provincial.selected": 6,
    "typical_cases.municipal.selected": 5,
    "typical_cases.selected": 12,
    "leads.department_transfer.reported": 17,
    "leads.department_transfer.turned_into_cases": 8,
}

RECIPIENTS = [
    "芝罘区市场监督管理局",
    "芝罘区生态环境分局",
    "芝罘区自然资源局",
    "芝罘区住房和城乡建设局",
    "芝罘区交通运输局",
    "芝罘区教育和体育局",
    "芝罘区卫生健康局",
    "芝罘区应急管理局",
    "芝罘区农业农村局",
    "芝罘区文化和旅游局",
    "芝罘区民政局",
    "芝罘区人力资源和社会保障局",
    "芝罘区综合行政执法局",
    "芝罘区水务局",
    "芝罘区商务局",
    "芝罘区退役军人事务局",
    "芝罘区公安分局",
]


def _t(day: date, hour: int = 9) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00"


def seed004_commands() -> list[dict[str, Any]]:
    """The commands of the seed-004 history, in order."""
    out: list[dict[str, Any]] = []
    out.append(
        {
            "type": "register_unit",
            "unit": "YT",
            "name": "烟台市人民检察院",
            "level": "city",
            "occurred_at": _t(date(2020, 1, 2)),
        }
    )
    for unit, name in ((UNIT, "烟台市芝罘区人民检察院"), (NOISE_UNIT, "烟台市福山区人民检察院")):
        out.append(
            {
                "type": "register_unit",
                "unit": unit,
                "name": name,
                "level": "district",
                "parent": "YT",
                "occurred_at": _t(date(2020, 1, 2), 10),
            }
        )

    def case(key: str, unit: str, day: date, kind: str = "public_interest_litigation") -> str:
        out.append(
            {
                "type": "register_case",
                "case": key,
                "unit": unit,
                "kind": kind,
                "handling_prosecutor": "公益诉讼检察官",
                "received_on": day.isoformat(),
                "occurred_at": _t(day, 8),
            }
        )
        return key

    def suggestion(
        key: str, case_key: str, recipient: str, served: date, adopted: bool, rectify: bool
    ) -> None:
        out.append(
            {
                "type": "draft_suggestion",
                "suggestion": key,
                "case": case_key,
                "suggestion_type": "social_governance",
                "content": "建议加强监管",
                "occurred_at": _t(served - timedelta(days=3)),
            }
        )
        out.append(
            {
                "type": "serve_suggestion",
                "suggestion": key,
                "recipient": recipient,
                "occurred_at": _t(served),
            }
        )
        # A reply on the due day's very eve is still on time: 2 months less a day.
        replied = served + timedelta(days=58)
        out.append(
            {
                "type": "record_suggestion_reply",
                "suggestion": key,
                "content": "书面回复",
                "occurred_at": _t(replied),
            }
        )
        out.append(
            {
                "type": "record_suggestion_adoption",
                "suggestion": key,
                "adopted": adopted,
                "explanation": "采纳并整改" if adopted else "已另行处理",
                "occurred_at": _t(replied, 15),
            }
        )
        if rectify:
            out.append(
                {
                    "type": "complete_rectification",
                    "suggestion": key,
                    "content": "整改完毕",
                    "occurred_at": _t(replied + timedelta(days=30)),
                }
            )

    # Noise first, in time: a suggestion of 2021.
    old = case("ZF-GY-2021-01", UNIT, date(2021, 9, 1))
    suggestion("芝检建〔2021〕1号", old, "芝罘区城市管理局", date(2021, 10, 8), True, True)

    # The 21 suggestions of the period, on 12 cases, to 17 recipients.
    cases = [case(f"ZF-GY-2022-{i:02d}", UNIT, date(2022, 1, 3 + i)) for i in range(1, 13)]
    for i in range(21):
        served = date(2022, 2, 1) + timedelta(days=35 * i)
        suggestion(
            f"芝检建〔{served.year}〕{i + 2}号",
            cases[i % len(cases)],
            RECIPIENTS[i % len(RECIPIENTS)],
            served,
            True,
            True,
        )
    out.append(  # noise: drafted, never served
        {
            "type": "draft_suggestion",
            "suggestion": "芝检建〔2024〕草1号",
            "case": cases[0],
            "suggestion_type": "public_interest",
            "content": "草稿",
            "occurred_at": _t(date(2024, 5, 6)),
        }
    )
    noise_case = case("FS-GY-2022-01", NOISE_UNIT, date(2022, 3, 1))
    suggestion("福检建〔2022〕1号", noise_case, "福山区水务局", date(2022, 4, 1), False, False)

    # Typical cases: selected 1 national, 6 provincial, 5 municipal; plus noise.
    def nominate(case_key: str, level: str, day: date, selected: bool | None) -> None:
        out.append(
            {
                "type": "nominate_typical_case",
                "case": case_key,
                "level": level,
                "title": "典型案例",
                "occurred_at": _t(day),
            }
        )
        if selected is not None:
            out.append(
                {
                    "type": "decide_typical_case",
                    "case": case_key,
                    "level": level,
                    "selected": selected,
                    "note": "入选" if selected else "未入选",
                    "occurred_at": _t(day + timedelta(days=40)),
                }
            )

    nominate(old, "municipal", date(2021, 10, 20), True)  # selected 2021: before the period
    plan = [("municipal", 5, 2), ("provincial", 6, 1), ("national", 1, 2)]
    n = 0
    for level, selected, not_selected in plan:
        for k in range(selected + not_selected):
            nominate(
                cases[n % len(cases)],
                level,
                date(2022, 6, 1) + timedelta(days=20 * n),
                k < selected,
            )
            n += 1
    nominate(cases[0], "national", date(2024, 5, 1) + timedelta(days=0), None)  # undecided
    nominate(noise_case, "municipal", date(2022, 5, 1), True)  # another unit

    # Leads transferred between departments: 17 in the period, 8 became cases.
    def lead(key: str, unit: str, day: date, outcome: str, case_key: str | None = None) -> None:
        out.append(
            {
                "type": "report_lead",
                "lead": key,
                "unit": unit,
                "source": "department_transfer",
                "department": "芝罘区市场监督管理局",
                "summary": "部门移送线索",
                "occurred_at": _t(day),
            }
        )
        if outcome == "rejected":
            out.append(
                {
                    "type": "reject_lead",
                    "lead": key,
                    "reasons": "不属于检察监督范围",
                    "occurred_at": _t(day + timedelta(days=2)),
                }
            )
        elif outcome in ("accepted", "case"):
            out.append(
                {"type": "accept_lead", "lead": key, "occurred_at": _t(day + timedelta(days=2))}
            )
        if outcome == "case":
            assert case_key is not None
            opened = day + timedelta(days=5)
            case(case_key, unit, opened)
            out.append(
                {
                    "type": "turn_lead_into_case",
                    "lead": key,
                    "case": case_key,
                    "occurred_at": _t(opened, 10),
                }
            )

    lead("ZF-YS-2021-01", UNIT, date(2021, 11, 1), "case", "ZF-LA-2021-01")  # before the period
    for i in range(1, 18):
        outcome = "case" if i <= 8 else ("accepted" if i <= 12 else "rejected" if i <= 15 else "")
        lead(
            f"ZF-YS-{i:02d}",
            UNIT,
            date(2022, 3, 1) + timedelta(days=45 * i),
            outcome,
            f"ZF-LA-{i:02d}",
        )
    lead("FS-YS-01", NOISE_UNIT, date(2022, 6, 1), "case", "FS-LA-01")  # another unit
    return out
