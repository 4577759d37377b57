"""The shared suggestion and petition fact handlers (``projections/facts.py``): every view
that uses them fills its own table with the same rows, and a view that forgets to
declare its table is refused when the class is defined."""

from __future__ import annotations

from typing import Any

import pytest

from supervision_ledger import Ledger
from supervision_ledger.projections.engine import ProjectionEngine, View, scratch_database
from supervision_ledger.projections.facts import (
    PETITION_COLUMNS,
    SUGGESTION_COLUMNS,
    PetitionFacts,
    SuggestionFacts,
)
from supervision_ledger.projections.feedback import FeedbackView
from supervision_ledger.projections.flows import FlowStatisticsView


class MirrorView(SuggestionFacts, PetitionFacts, View):
    """A third user of the fact mixins, with tables of its own."""

    name = "mirror"
    suggestion_table = "view_mirror_suggestion"
    petition_table = "view_mirror_petition"
    tables = {  # noqa: RUF012 - class-level schema
        suggestion_table: SUGGESTION_COLUMNS,
        petition_table: PETITION_COLUMNS,
    }


HISTORY: list[dict[str, Any]] = [
    {
        "type": "register_unit",
        "unit": "YL",
        "name": "榆林市人民检察院",
        "level": "city",
        "occurred_at": "2023-01-02T09:00",
    },
    {
        "type": "register_case",
        "case": "K1",
        "unit": "YL",
        "kind": "public_interest_litigation",
        "handling_prosecutor": "张某",
        "received_on": "2023-01-10",
        "occurred_at": "2023-01-10T09:00",
    },
    {
        "type": "draft_suggestion",
        "suggestion": "S1",
        "case": "K1",
        "suggestion_type": "social_governance",
        "content": "建议",
        "occurred_at": "2023-02-01T09:00",
    },
    {
        "type": "serve_suggestion",
        "suggestion": "S1",
        "recipient": "水利局",
        "occurred_at": "2023-02-28T09:00",
    },
    {
        "type": "record_suggestion_reply",
        "suggestion": "S1",
        "content": "回复",
        "occurred_at": "2023-03-20T09:00",
    },
    {
        "type": "record_suggestion_adoption",
        "suggestion": "S1",
        "adopted": True,
        "explanation": "整改",
        "occurred_at": "2023-03-21T09:00",
    },
    {
        "type": "complete_rectification",
        "suggestion": "S1",
        "content": "已整改",
        "occurred_at": "2023-04-10T09:00",
    },
    {
        "type": "verify_rectification",
        "suggestion": "S1",
        "verified_by": "王某",
        "content": "属实",
        # 00:30 in Shanghai is still the previous day in UTC: the local date is stored.
        "occurred_at": "2023-04-20T00:30+08:00",
    },
    {
        "type": "receive_petition",
        "petition": "XF1",
        "unit": "YL",
        "channel": "hotline_12309",
        "case": "K1",
        "subject": "反映",
        "occurred_at": "2023-03-01T09:00",
    },
    {
        "type": "reply_petition_procedurally",
        "petition": "XF1",
        "outcome": "accepted",
        "content": "受理",
        "occurred_at": "2023-03-02T09:00",
    },
    {
        "type": "reply_petition_progress",
        "petition": "XF1",
        "content": "进展",
        "occurred_at": "2023-06-01T09:00",
    },
]

SUGGESTION_SELECT = (
    "SELECT suggestion_id, suggestion, unit, case_key, recipient, served_on, urgent, "
    "stated_due, replied_on, adopted, rectified_on, verified_on, urged, escalated_on FROM {}"
)
PETITION_SELECT = (
    "SELECT petition_id, petition, unit, case_key, received_on, excluded, procedural_on, "
    "last_progress_on, result_on, closed_on FROM {}"
)


def test_each_view_fills_its_own_fact_tables_with_the_same_rows() -> None:
    with Ledger(store="sqlite:///:memory:") as ledger:
        for cmd in HISTORY:
            ledger.execute(cmd)
        views: list[View] = [FeedbackView(), FlowStatisticsView(), MirrorView()]
        engine = ProjectionEngine(
            ledger.app.recorder,
            ledger.app.mapper,
            scratch_database(),
            views,
            ledger.policy.timezone,
            page_size=3,
        )
        try:
            engine.catch_up()
            with engine.reading() as tx:
                suggestions = [
                    tx.rows(SUGGESTION_SELECT.format(v.suggestion_table))
                    for v in (FeedbackView, FlowStatisticsView, MirrorView)
                ]
                petitions = [
                    tx.rows(PETITION_SELECT.format(v.petition_table))
                    for v in (FeedbackView, FlowStatisticsView, MirrorView)
                ]
        finally:
            engine.close()
    assert suggestions[0] == suggestions[1] == suggestions[2]
    assert petitions[0] == petitions[1] == petitions[2]
    (suggestion,) = suggestions[0]
    assert suggestion[1:] == (
        "S1",
        "YL",
        "K1",
        "水利局",
        "2023-02-28",
        0,
        None,
        "2023-03-20",
        1,
        "2023-04-10",
        "2023-04-20",
        0,
        None,
    )
    (petition,) = petitions[0]
    assert petition[1:] == (
        "XF1",
        "YL",
        "K1",
        "2023-03-01",
        0,
        "2023-03-02",
        "2023-06-01",
        None,
        None,
    )


def test_the_feedback_and_flow_views_keep_separate_tables() -> None:
    tables = [
        (FeedbackView.suggestion_table, FeedbackView.petition_table),
        (FlowStatisticsView.suggestion_table, FlowStatisticsView.petition_table),
    ]
    # Separate tables, so dropping one view for a rebuild leaves the other's rows alone.
    assert len({t for pair in tables for t in pair}) == 4
    for view, (suggestion_table, petition_table) in zip(
        (FeedbackView, FlowStatisticsView), tables, strict=True
    ):
        assert view.tables[suggestion_table] == SUGGESTION_COLUMNS
        assert view.tables[petition_table] == PETITION_COLUMNS


def test_a_view_must_declare_its_fact_table() -> None:
    with pytest.raises(TypeError, match=r"Undeclared\.tables must define 'view_x_suggestion'"):

        class Undeclared(SuggestionFacts, View):
            name = "undeclared"
            suggestion_table = "view_x_suggestion"
            tables = {"view_x_other": "id TEXT PRIMARY KEY"}  # noqa: RUF012

    with pytest.raises(TypeError, match="Unnamed must set petition_table"):

        class Unnamed(PetitionFacts, View):
            name = "unnamed"
            tables = {"view_y_petition": PETITION_COLUMNS}  # noqa: RUF012

    with pytest.raises(TypeError, match=r"Narrowed\.tables must define 'view_z_petition'"):

        class Narrowed(PetitionFacts, View):
            name = "narrowed"
            petition_table = "view_z_petition"
            tables = {"view_z_petition": "petition_id TEXT PRIMARY KEY"}  # noqa: RUF012
