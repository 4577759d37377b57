"""Procuratorial suggestions (检察建议): served, answered on time, adopted, rectified.

The cohort is the suggestions served in the period; what followed counts whenever it
happened. The rows are the shared suggestion facts (:mod:`..facts`), which the
feedback view keeps too. Reply deadlines are never stored: they come from the policy
the report is computed under.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ...domain.suggestion import SuggestionType
from ...domain.values import RecipientType, ReplyTiming, reply_timing
from ..facts import SUGGESTION_COLUMNS, SuggestionFacts, suggestion_reply_due
from .base import FigureQuery, FigureValue, Item, ItemQuery, Rate, Section, item
from .replies import REPLY_DUE, cohort_rows, listed, timed, timings

SECTION = Section(
    "suggestions",
    "检察建议",
    "Procuratorial suggestions",
    "the local date the suggestion was served (Served); what followed counts whenever it happened",
)
figure, count = SECTION.figure, SECTION.count


class SuggestionSectionFacts(SuggestionFacts):
    """The suggestion fact rows, in the flow statistics' own table."""

    suggestion_table = "view_flow_suggestion"
    tables = {suggestion_table: SUGGESTION_COLUMNS}  # noqa: RUF012 - class-level schema
    indexes = {  # noqa: RUF012 - class-level schema
        f"{suggestion_table}_by_unit": f"{suggestion_table} (unit, served_on)",
    }


@dataclass
class _Suggestions:
    """The suggestions served in the period, sorted into the lists the figures count:
    each an :class:`Item` (the suggestion, its Served position)."""

    served: list[Item] = field(default_factory=list)
    #: One item per distinct recipient, with the positions of its suggestions.
    recipients: list[Item] = field(default_factory=list)
    #: Reply timing; a suggestion withdrawn before any reply is in none of them.
    timing: dict[ReplyTiming, list[Item]] = field(default_factory=timings)
    by_type: dict[str, list[Item]] = field(default_factory=dict)
    by_recipient_type: dict[str, list[Item]] = field(default_factory=dict)
    adopted: list[Item] = field(default_factory=list)
    not_adopted: list[Item] = field(default_factory=list)
    rectified: list[Item] = field(default_factory=list)
    verified: list[Item] = field(default_factory=list)
    urged: list[Item] = field(default_factory=list)
    escalated: list[Item] = field(default_factory=list)
    escalated_after_reply: list[Item] = field(default_factory=list)
    objected: list[Item] = field(default_factory=list)
    amended: list[Item] = field(default_factory=list)
    withdrawn: list[Item] = field(default_factory=list)


def _suggestions(q: FigureQuery) -> _Suggestions:
    rows = cohort_rows(
        q,
        SuggestionSectionFacts.suggestion_table,
        "recipient, served_on, urgent, stated_due, replied_on, adopted, rectified_on, "
        "verified_on, urged, escalated_on, suggestion, suggestion_type, recipient_type, "
        "escalated_after_reply_on, objected_on, amended_on, withdrawn_on, pos",
        "served_on",
        "served_on IS NOT NULL",
    )
    found = _Suggestions()
    recipients: dict[str, list[int]] = {}
    for row in rows:
        recipient, served_on, urgent, stated_due, replied_on, adopted, rectified_on = row[:7]
        verified_on, urged, escalated_on, key, kind, recipient_type = row[7:13]
        after_reply_on, objected_on, amended_on, withdrawn_on, pos = row[13:]
        one = item([pos], suggestion=str(key))
        found.served.append(one)
        recipients.setdefault(str(recipient), []).extend(one.positions)
        found.by_type.setdefault(str(kind), []).append(one)
        recipient_kind = RecipientType(recipient_type or RecipientType.OTHER.value)
        found.by_recipient_type.setdefault(recipient_kind.value, []).append(one)
        if not (withdrawn_on is not None and replied_on is None):
            due = suggestion_reply_due(
                q.policy, served_on, bool(urgent), stated_due, recipient_type
            )
            replied = None if replied_on is None else date.fromisoformat(replied_on)
            found.timing[reply_timing(due, replied, q.as_of)].append(one)
        for present, target in (
            (adopted == 1, found.adopted),
            (adopted == 0, found.not_adopted),
            (rectified_on is not None, found.rectified),
            (verified_on is not None, found.verified),
            (int(urged) > 0, found.urged),
            (escalated_on is not None, found.escalated),
            (after_reply_on is not None, found.escalated_after_reply),
            (objected_on is not None, found.objected),
            (amended_on is not None, found.amended),
            (withdrawn_on is not None, found.withdrawn),
        ):
            if present:
                target.append(one)
    found.recipients = [item(p, recipient=r) for r, p in recipients.items()]
    return found


def _sc(q: FigureQuery) -> _Suggestions:
    found: _Suggestions = q.shared("suggestions", _suggestions)
    return found


def _listed(name: str) -> ItemQuery:
    """The items of one list of :class:`_Suggestions` (``served``, ``adopted``, …)."""
    return listed(_sc, name)


def _timed(*wanted: ReplyTiming) -> ItemQuery:
    """The suggestions whose reply timing is one of ``wanted``."""
    return timed(lambda q: _sc(q).timing, *wanted)


_REPLY_DUE = REPLY_DUE


def _decided(q: FigureQuery) -> list[Item]:
    """Suggestions whose adoption has been decided (adopted or not)."""
    return sorted([*_sc(q).adopted, *_sc(q).not_adopted], key=lambda i: i.positions)


count(
    "suggestions.served",
    "制发送达检察建议（件）",
    "suggestions served",
    "Served events of suggestions (Drafted on a case of the units in scope).",
    items=_listed("served"),
)


def _suggestion_type_figure(kind: SuggestionType, en: str) -> None:
    def items(q: FigureQuery) -> list[Item]:
        return _sc(q).by_type.get(kind.value, [])

    count(
        f"suggestions.by_type.{kind.value}",
        f"制发{kind.zh}（件）",
        f"{en} served",
        f"Suggestions counted in suggestions.served whose Drafted suggestion_type is "
        f"{kind.value}; the by_type figures add up to suggestions.served (seed 004's 21 are "
        "social-governance suggestions).",
        items=items,
    )


for _kind, _en in (
    (SuggestionType.RETRIAL, "retrial suggestions"),
    (SuggestionType.CORRECTION, "suggestions to correct violations"),
    (SuggestionType.PUBLIC_INTEREST, "public-interest suggestions"),
    (SuggestionType.SOCIAL_GOVERNANCE, "social-governance suggestions"),
    (SuggestionType.OTHER, "other suggestions"),
):
    _suggestion_type_figure(_kind, _en)


count(
    "suggestions.recipients",
    "被建议单位（个）",
    "recipient units",
    "Distinct recipient names among the suggestions counted in suggestions.served.",
    items=_listed("recipients"),
)


count(
    "suggestions.replied_on_time",
    "按期书面回复（件）",
    "replied on time",
    "Suggestions counted in suggestions.served whose Replied local date is on or before the "
    "reply due date: the reply_due_on the Served event states (urgent ones only), else the "
    "service date plus the policy's suggestion_reply_months (default 2 months) — for a "
    "recipient_type court, court_suggestion_reply_months + "
    "court_suggestion_reply_extension_months (default 3 + 1 months) — or plus "
    "urgent_suggestion_reply (default 15 calendar days) when urgent. A suggestion "
    "withdrawn (ObjectionReviewed withdrawn) before any reply counts in no reply figure.",
    items=_timed(ReplyTiming.ON_TIME),
)


count(
    "suggestions.replied_late",
    "逾期回复（件）",
    "replied late",
    "Suggestions counted in suggestions.served replied (Replied) after the reply due date.",
    items=_timed(ReplyTiming.LATE),
)


count(
    "suggestions.overdue",
    "逾期未回复（件）",
    "reply overdue",
    "Suggestions counted in suggestions.served without a Replied event whose reply due date "
    "is before as_of.",
    items=_timed(ReplyTiming.OVERDUE),
)


@figure(
    "suggestions.reply_on_time_rate",
    "按期回复率",
    "on-time reply rate",
    "numerator: suggestions.replied_on_time; denominator: suggestions.replied_on_time + "
    "suggestions.replied_late + suggestions.overdue (replies given, or due before as_of; a "
    "reply not yet due is left out).",
    numerator=_timed(ReplyTiming.ON_TIME),
    denominator=_timed(*_REPLY_DUE),
)
def _suggestions_reply_rate(q: FigureQuery) -> FigureValue:
    return Rate.of(len(_timed(ReplyTiming.ON_TIME)(q)), len(_timed(*_REPLY_DUE)(q)))


count(
    "suggestions.adopted",
    "采纳（件）",
    "adopted",
    "Suggestions counted in suggestions.served with an Adopted event.",
    items=_listed("adopted"),
)


count(
    "suggestions.not_adopted",
    "未采纳（件）",
    "not adopted",
    "Suggestions counted in suggestions.served with a NotAdopted event.",
    items=_listed("not_adopted"),
)


@figure(
    "suggestions.adoption_rate",
    "采纳率",
    "adoption rate",
    "numerator: suggestions.adopted; denominator: suggestions.adopted + "
    "suggestions.not_adopted (those whose adoption has been decided).",
    numerator=_listed("adopted"),
    denominator=_decided,
)
def _suggestions_adoption_rate(q: FigureQuery) -> FigureValue:
    return Rate.of(len(_sc(q).adopted), len(_decided(q)))


count(
    "suggestions.rectified",
    "整改完成（件）",
    "rectified",
    "Suggestions counted in suggestions.served with a RectificationCompleted event.",
    items=_listed("rectified"),
)


@figure(
    "suggestions.rectification_rate",
    "整改率",
    "rectification rate",
    "numerator: suggestions.rectified; denominator: suggestions.adopted.",
    numerator=_listed("rectified"),
    denominator=_listed("adopted"),
)
def _suggestions_rectification_rate(q: FigureQuery) -> FigureValue:
    return Rate.of(len(_sc(q).rectified), len(_sc(q).adopted))


count(
    "suggestions.rectification_verified",
    "整改经核实（件）",
    "rectification verified",
    "Suggestions counted in suggestions.served with a RectificationVerified event.",
    items=_listed("verified"),
)


count(
    "suggestions.urged",
    "催办（件）",
    "urged",
    "Suggestions counted in suggestions.served urged (Urged) at least once.",
    items=_listed("urged"),
)


count(
    "suggestions.escalated",
    "逾期报请上级督促（件）",
    "escalated",
    "Suggestions counted in suggestions.served with an Escalated event of ground no_reply "
    "(overdue after urging; chief prosecutor's approval recorded; escalated before issue 12 "
    "count here too).",
    items=_listed("escalated"),
)


count(
    "suggestions.escalated_after_reply",
    "回复后不整改或整改不到位报请督促（件）",
    "escalated after the reply (not rectified, or inadequately)",
    "Suggestions counted in suggestions.served with an Escalated event of ground "
    "not_rectified or inadequate (after the reply; suggestions.escalated counts ground "
    "no_reply).",
    items=_listed("escalated_after_reply"),
)


count(
    "suggestions.objected",
    "被建议单位提出异议（件）",
    "objected to by the recipient",
    "Suggestions counted in suggestions.served with an ObjectionRaised event (Art. 23), "
    "counted once however often objected.",
    items=_listed("objected"),
)


count(
    "suggestions.amended",
    "经复核修改（件）",
    "amended on review of an objection",
    "Suggestions counted in suggestions.served with an ObjectionReviewed event of outcome amended.",
    items=_listed("amended"),
)


count(
    "suggestions.withdrawn",
    "经复核撤回（件）",
    "withdrawn on review of an objection",
    "Suggestions counted in suggestions.served with an ObjectionReviewed event of outcome "
    "withdrawn; one withdrawn before any reply counts in no reply figure.",
    items=_listed("withdrawn"),
)


def _recipient_type_figure(kind: RecipientType, en: str) -> None:
    def items(q: FigureQuery) -> list[Item]:
        return _sc(q).by_recipient_type.get(kind.value, [])

    count(
        f"suggestions.by_recipient_type.{kind.value}",
        f"向{kind.zh}制发（件）",
        f"served on {en}",
        f"Suggestions counted in suggestions.served whose Served recipient_type is "
        f"{kind.value} (suggestions served before issue 12 count as other); the "
        "by_recipient_type figures add up to suggestions.served.",
        items=items,
    )


for _rkind, _ren in (
    (RecipientType.COURT, "courts"),
    (RecipientType.ADMINISTRATIVE, "administrative organs"),
    (RecipientType.OTHER, "other units"),
):
    _recipient_type_figure(_rkind, _ren)
