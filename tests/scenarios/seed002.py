"""Seed 002 (Yulin, 榆林): petitions and the chief prosecutor at the trial committee.

The article counts 1,120 petitions with a 7-day reply rate of 100%, and 221 opinions
given by the chief prosecutor at the court's trial committee, 177 of them adopted.
:func:`seed002_petition_commands` is a smaller petition history of 2023 for ``YL`` with
the same property — every petition that can be answered had its procedural reply
within 7 days (some on the 7th day itself, one received at 23:30 local time) — plus
anonymous and contactless petitions whose replies came late or never (excluded from
the rate), and noise: a late reply in 2022 and one at another unit (``SM``).
:func:`seed002_committee_commands` has the 221 / 177 sittings of 2023, plus sittings of
2022 and of ``SM`` that must not count.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

UNIT = "YL"
NOISE_UNIT = "SM"
PERIOD = (date(2023, 1, 1), date(2023, 12, 31))
AS_OF = date(2024, 3, 31)

#: Petitions of 2023 that can be answered; anonymous ones; ones without contact.
ANSWERABLE, ANONYMOUS, NO_CONTACT = 40, 4, 2


def _t(day: date, hour: int = 9, minute: int = 0) -> str:
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00"


def units() -> list[dict[str, Any]]:
    return [
        {
            "type": "register_unit",
            "unit": UNIT,
            "name": "榆林市人民检察院",
            "level": "city",
            "occurred_at": _t(date(2020, 1, 2)),
        },
        {
            "type": "register_unit",
            "unit": NOISE_UNIT,
            "name": "神木市人民检察院",
            "level": "district",
            "parent": UNIT,
            "occurred_at": _t(date(2020, 1, 2)),
        },
    ]


def petition(
    key: str,
    unit: str,
    received: date,
    reply_after: int | None,
    *,
    anonymous: bool = False,
    has_contact: bool = True,
    hour: int = 9,
    minute: int = 0,
) -> list[dict[str, Any]]:
    """A petition, its procedural reply ``reply_after`` days later (None: never), and —
    when replied — its result a month later and its closing."""
    out: list[dict[str, Any]] = [
        {
            "type": "receive_petition",
            "petition": key,
            "unit": unit,
            "channel": "letter" if anonymous else "visit",
            "anonymous": anonymous,
            "has_contact": has_contact,
            "subject": "控告申诉",
            "occurred_at": _t(received, hour, minute),
        }
    ]
    if reply_after is None:
        return out
    replied = received + timedelta(days=reply_after)
    answered = replied + timedelta(days=30)
    out += [
        {
            "type": "reply_petition_procedurally",
            "petition": key,
            "outcome": "accepted",
            "content": "已受理",
            "occurred_at": _t(replied, 16),
        },
        {
            "type": "reply_petition_result",
            "petition": key,
            "content": "办理结果",
            "occurred_at": _t(answered),
        },
        {"type": "close_petition", "petition": key, "occurred_at": _t(answered, 10)},
    ]
    return out


def seed002_petition_commands() -> list[dict[str, Any]]:
    """Petitions of 2023 at ``YL`` all answered within 7 days, plus excluded and noise."""
    out = units()
    out += petition("YL-XF-2022-01", UNIT, date(2022, 12, 1), 12)  # late, but 2022
    for i in range(ANSWERABLE):
        received = date(2023, 1, 3) + timedelta(days=8 * i)
        # Cycle the reply day through 0…7: day 7 is the last day on time.
        if i == 0:
            # Received at 23:30 local time (15:30 UTC): its local date decides the deadline.
            out += petition(f"YL-XF-{i + 1:03d}", UNIT, received, 7, hour=23, minute=30)
        else:
            out += petition(f"YL-XF-{i + 1:03d}", UNIT, received, i % 8)
    for i in range(ANONYMOUS):  # excluded: one never replied, the others late
        received = date(2023, 2, 1) + timedelta(days=30 * i)
        out += petition(
            f"YL-NM-{i + 1:02d}", UNIT, received, None if i == 0 else 20, anonymous=True
        )
    for i in range(NO_CONTACT):
        out += petition(
            f"YL-WL-{i + 1:02d}",
            UNIT,
            date(2023, 6, 1) + timedelta(days=i),
            None,
            has_contact=False,
        )
    out += petition("SM-XF-001", NOISE_UNIT, date(2023, 4, 3), 15)  # another unit, late
    return out


#: The trial-committee figures of seed 002 for ``YL`` in 2023.
OPINIONS_GIVEN, OPINIONS_ADOPTED, OPINIONS_NOT_ADOPTED = 221, 177, 40
SITTINGS = 74


def seed002_committee_commands() -> list[dict[str, Any]]:
    """221 opinions at 74 sittings of 2023, 177 adopted, 40 not, 4 undecided; plus noise."""
    out = units()

    def sitting(key: str, unit: str, day: date, opinions: list[bool | None], deputy: bool) -> None:
        out.append(
            {
                "type": "record_trial_committee_sitting",
                "sitting": key,
                "unit": unit,
                "court": "榆林市中级人民法院",
                "attendee": "副检察长" if deputy else "检察长",
                "entrusted_deputy": deputy,
                "occurred_at": _t(day),
            }
        )
        for n, adopted in enumerate(opinions, start=1):
            out.append(
                {
                    "type": "give_trial_committee_opinion",
                    "sitting": key,
                    "opinion": f"P{n}",
                    "matter": f"（2023）陕08刑终{n}号",
                    "content": "检察意见",
                    "occurred_at": _t(day, 10),
                }
            )
            if adopted is not None:
                out.append(
                    {
                        "type": "record_trial_committee_adoption",
                        "sitting": key,
                        "opinion": f"P{n}",
                        "adopted": adopted,
                        "occurred_at": _t(day, 17),
                    }
                )

    sitting("YL-SW-2022-01", UNIT, date(2022, 12, 20), [True, True], False)  # 2022
    outcomes: list[bool | None] = (
        [True] * OPINIONS_ADOPTED
        + [False] * OPINIONS_NOT_ADOPTED
        + [None] * (OPINIONS_GIVEN - OPINIONS_ADOPTED - OPINIONS_NOT_ADOPTED)
    )
    per_sitting = -(-OPINIONS_GIVEN // SITTINGS)  # 3, the last sitting fewer
    for s in range(SITTINGS):
        chunk = outcomes[s * per_sitting : (s + 1) * per_sitting]
        day = date(2023, 1, 4) + timedelta(days=4 * s)
        sitting(f"YL-SW-2023-{s + 1:02d}", UNIT, day, chunk, deputy=s % 10 == 0)
    sitting("SM-SW-2023-01", NOISE_UNIT, date(2023, 5, 5), [True, False], False)
    return out
