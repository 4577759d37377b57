"""Seed 003 (Dalad Banner, 达拉特旗): the history behind its published figures.

The article counts 16 partner units (协作单位), 43 public-interest grid workers
(公益诉讼网格员), "50+" leads from them and 10 invited prosecutor assistants
(特邀检察官助理). :func:`seed003_commands` records such a year (2023) in the ``apply``
format, with noise that a correct statistic must not count:

- another banner's procuratorate (``HJQ``) with its own grid workers, assistants,
  partner agreement and grid-worker leads;
- people at ``DLT`` holding other roles only (people's supervisors, hearing officers);
- a renewed agreement with a partner already counted (one unit, two agreements);
- an agreement with a 17th partner that ended before 2023;
- grid-worker leads reported in 2022, and 2023 leads from other sources (department
  transfers, NPC suggestions) — the latter count in "leads by source", not in "leads
  from grid workers".

``SEED003_EXPECTED`` holds the figures for unit ``DLT`` over the period 2023 and how
each is defined, so a statistics test can compare its report with them.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

UNIT = "DLT"
NOISE_UNIT = "HJQ"
PERIOD = (date(2023, 1, 1), date(2023, 12, 31))

#: The figures of seed 003 for ``UNIT`` over ``PERIOD``.
SEED003_EXPECTED: dict[str, Any] = {
    # distinct partner names with an agreement of UNIT in force on at least one day of PERIOD
    "partner_units_in_force": 16,
    # distinct people of UNIT holding the grid_worker role, in term during PERIOD
    "grid_workers": 43,
    # leads of UNIT with source grid_worker reported in PERIOD ("50+")
    "leads_from_grid_workers": 52,
    # leads of UNIT reported in PERIOD, by source
    "leads_by_source": {"grid_worker": 52, "department_transfer": 4, "npc_suggestion": 2},
    # of the grid-worker leads: accepted (including those that became cases), cases
    "grid_leads_accepted": 30,
    "grid_leads_turned_into_cases": 12,
    # distinct people of UNIT holding the invited_prosecutor_assistant role
    "invited_prosecutor_assistants": 10,
}

PARTNERS = [
    "达拉特旗自然资源局",
    "达拉特旗水利局",
    "达拉特旗林业和草原局",
    "鄂尔多斯市生态环境局达拉特旗分局",
    "达拉特旗农牧局",
    "达拉特旗市场监督管理局",
    "达拉特旗住房和城乡建设局",
    "达拉特旗交通运输局",
    "达拉特旗文化和旅游局",
    "达拉特旗卫生健康委员会",
    "达拉特旗应急管理局",
    "达拉特旗税务局",
    "达拉特旗公安局",
    "达拉特旗人民法院",
    "达拉特旗司法局",
    "达拉特旗退役军人事务局",
]


def _t(day: date, hour: int = 9) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00"


def seed003_commands(seed: int = 3) -> list[dict[str, Any]]:
    """The commands of the seed-003 history, in order (deterministic for ``seed``)."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    start = date(2022, 1, 3)

    out.append(
        {
            "type": "register_unit",
            "unit": "ORDOS",
            "name": "鄂尔多斯市人民检察院",
            "level": "city",
            "occurred_at": _t(start),
        }
    )
    for unit, name in ((UNIT, "达拉特旗人民检察院"), (NOISE_UNIT, "杭锦旗人民检察院")):
        out.append(
            {
                "type": "register_unit",
                "unit": unit,
                "name": name,
                "level": "district",
                "parent": "ORDOS",
                "occurred_at": _t(start, 10),
            }
        )

    def appoint(key: str, unit: str, roles: list[str]) -> None:
        out.append(
            {
                "type": "appoint_supervisor",
                "supervisor": key,
                "unit": unit,
                "name": f"某{key}",
                "roles": roles,
                "term_start": "2022-01-01",
                "occurred_at": _t(start, 11),
            }
        )

    grid = [f"DLT-GW-{i:02d}" for i in range(1, 44)]
    for key in grid:
        appoint(key, UNIT, ["grid_worker"])
    for i in range(1, 11):
        appoint(f"DLT-TY-{i:02d}", UNIT, ["invited_prosecutor_assistant"])
    for i in range(1, 6):  # noise: other roles at the same unit
        appoint(f"DLT-PS-{i:02d}", UNIT, ["peoples_supervisor", "hearing_officer"])
    noise_grid = [f"HJQ-GW-{i:02d}" for i in range(1, 4)]
    for key in noise_grid:  # noise: another unit
        appoint(key, NOISE_UNIT, ["grid_worker"])
    for i in range(1, 3):
        appoint(f"HJQ-TY-{i:02d}", NOISE_UNIT, ["invited_prosecutor_assistant"])

    # Partner agreements: 16 partners in force in 2023, one of them renewed.
    for i, partner in enumerate(PARTNERS, start=1):
        out.append(
            {
                "type": "sign_partner_agreement",
                "agreement": f"DLT-XZ-{i:02d}",
                "unit": UNIT,
                "partner": partner,
                "in_force_from": "2022-03-01",
                "in_force_until": "2023-06-30" if i == 1 else None,
                "occurred_at": _t(date(2022, 2, 20)),
            }
        )
    out.append(  # noise: the renewal of partner 1 — still one partner unit
        {
            "type": "sign_partner_agreement",
            "agreement": "DLT-XZ-01B",
            "unit": UNIT,
            "partner": PARTNERS[0],
            "in_force_from": "2023-07-01",
            "in_force_until": "2026-06-30",
            "occurred_at": _t(date(2023, 6, 25)),
        }
    )
    out.append(  # noise: a 17th partner whose agreement ended early, before 2023
        {
            "type": "sign_partner_agreement",
            "agreement": "DLT-XZ-17",
            "unit": UNIT,
            "partner": "达拉特旗原畜牧局",
            "in_force_from": "2022-03-01",
            "occurred_at": _t(date(2022, 2, 20)),
        }
    )
    out.append(
        {
            "type": "terminate_partner_agreement",
            "agreement": "DLT-XZ-17",
            "effective_on": "2022-10-01",
            "reason": "机构改革",
            "occurred_at": _t(date(2022, 9, 20)),
        }
    )
    out.append(  # noise: another unit's partner
        {
            "type": "sign_partner_agreement",
            "agreement": "HJQ-XZ-01",
            "unit": NOISE_UNIT,
            "partner": "杭锦旗水利局",
            "in_force_from": "2022-03-01",
            "occurred_at": _t(date(2022, 2, 20)),
        }
    )

    # Noise: grid-worker leads of 2022 and of the other unit.
    for i in range(1, 3):
        out.append(
            {
                "type": "report_lead",
                "lead": f"DLT-XS-2022-{i:02d}",
                "unit": UNIT,
                "source": "grid_worker",
                "reporter": rng.choice(grid),
                "summary": "2022年线索",
                "occurred_at": _t(date(2022, 11, 10 + i)),
            }
        )
    for i, key in enumerate(noise_grid, start=1):
        out.append(
            {
                "type": "report_lead",
                "lead": f"HJQ-XS-2023-{i:02d}",
                "unit": NOISE_UNIT,
                "source": "grid_worker",
                "reporter": key,
                "summary": "他旗线索",
                "occurred_at": _t(date(2023, 5, i)),
            }
        )

    # The 52 grid-worker leads of 2023: every grid worker has at least one.
    reporters = grid + [rng.choice(grid) for _ in range(52 - len(grid))]
    rng.shuffle(reporters)
    leads: list[tuple[str, date]] = []
    for i, reporter in enumerate(reporters, start=1):
        day = date(2023, 1, 2).fromordinal(date(2023, 1, 2).toordinal() + i * 6)
        key = f"DLT-XS-2023-{i:02d}"
        leads.append((key, day))
        out.append(
            {
                "type": "report_lead",
                "lead": key,
                "unit": UNIT,
                "source": "grid_worker",
                "reporter": reporter,
                "summary": f"网格员报送线索{i}",
                "occurred_at": _t(day),
            }
        )
    for i in range(1, 5):
        out.append(
            {
                "type": "report_lead",
                "lead": f"DLT-YS-2023-{i:02d}",
                "unit": UNIT,
                "source": "department_transfer",
                "department": "达拉特旗自然资源局",
                "summary": "部门移送线索",
                "occurred_at": _t(date(2023, 3, i)),
            }
        )
    for i in range(1, 3):
        out.append(
            {
                "type": "report_lead",
                "lead": f"DLT-RD-2023-{i:02d}",
                "unit": UNIT,
                "source": "npc_suggestion",
                "reference": f"旗人大建议第{i}号",
                "summary": "人大代表建议转化",
                "occurred_at": _t(date(2023, 4, i)),
            }
        )

    # 30 of the grid-worker leads accepted, 12 of those turned into cases, 10 rejected.
    picked = rng.sample(leads, 40)
    for n, (key, day) in enumerate(picked):
        decided = day.fromordinal(day.toordinal() + 3)
        if n < 30:
            out.append({"type": "accept_lead", "lead": key, "occurred_at": _t(decided)})
        else:
            out.append(
                {
                    "type": "reject_lead",
                    "lead": key,
                    "reasons": "不属于公益诉讼范围",
                    "occurred_at": _t(decided),
                }
            )
        if n < 12:
            case = f"DLT-GY-2023-{n + 1:02d}"
            opened = day.fromordinal(day.toordinal() + 5)
            out.append(
                {
                    "type": "register_case",
                    "case": case,
                    "unit": UNIT,
                    "kind": "public_interest_litigation",
                    "handling_prosecutor": "公益诉讼检察官",
                    "received_on": opened.isoformat(),
                    "occurred_at": _t(opened),
                }
            )
            out.append(
                {
                    "type": "turn_lead_into_case",
                    "lead": key,
                    "case": case,
                    "occurred_at": _t(opened, 10),
                }
            )
    return out
