"""Issue 12, points 5–7: draws nobody can rig (seeds from the hash chain), who entered
and approved each command, and corrections — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from eventsourcing.persistence import StoredEvent
from ledger_stories import Story, at

from supervision_ledger import Ledger
from supervision_ledger.domain import Case, Policy, Role
from supervision_ledger.domain.draw import SeedBasis, chain_seed
from supervision_ledger.domain.errors import CallerSeedRefused
from supervision_ledger.domain.values import SeedSource
from supervision_ledger.persistence.mapper import MsgspecMapper


def _drawable(story: Story) -> tuple[str, str]:
    story.unit("QC")
    story.people("S", 4, "QC", ["peoples_supervisor"])
    case = story.case("QC", "2023-03-01")
    act = story.do(
        "open_activity", case=case, activity_type="quality_review", occurred_at=at("2023-03-01")
    )["activity"]
    return case, act


def test_chain_seeds_by_policy(store_url: str) -> None:
    """``chain`` (the default): a seedless draw's seed follows from the chain head and
    its fields; a named seed is kept, with no basis. ``chain_only`` refuses a named
    seed and records nothing. ``random``: a fresh seed, no basis."""
    if store_url.startswith("sqlite:///:memory:"):
        pytest.skip("reopens the store under other policies")
    with Ledger(store=store_url) as ledger:
        story = Story(ledger)
        case, act = _drawable(story)
        position, head = ledger.app.chain_head()
        assert position == ledger.app.recorder.max_notification_id()
        ids = story.do(
            "draw_supervisors", case=case, activity=act, count=2, occurred_at=at("2023-03-02")
        )
        drawn = ledger.case(case).activities[act].draws[-1]
        basis = SeedBasis(position, head.hex())
        fields = {
            "event": "Case.SupervisorsDrawn",
            "activity": act,
            "role": "peoples_supervisor",
            "speciality": None,
            "count": 2,
        }
        assert drawn.seed == int(ids["seed"]) == chain_seed(basis, Case.id_for(case), fields)
        events = list(ledger.app.events.get(Case.id_for(case)))
        assert isinstance(events[-1], Case.SupervisorsDrawn) and events[-1].seed_basis == basis
        story.do(
            "draw_supervisors",
            case=case,
            activity=act,
            count=1,
            seed=7,
            occurred_at=at("2023-03-02"),
        )
        events = list(ledger.app.events.get(Case.id_for(case)))
        assert (events[-1].seed, events[-1].seed_basis) == (7, None)
    with Ledger(store=store_url, policy=Policy(draw_seed=SeedSource.CHAIN_ONLY)) as ledger:
        before = ledger.app.recorder.max_notification_id()
        with pytest.raises(CallerSeedRefused, match="leave seed out") as refused:
            ledger.execute(
                {
                    "type": "draw_supervisors",
                    "case": case,
                    "activity": act,
                    "count": 1,
                    "seed": 3,
                    "occurred_at": at("2023-03-03"),
                }
            )
        assert refused.value.rule == "caller_seed_refused"
        assert ledger.app.recorder.max_notification_id() == before
    with Ledger(store=store_url, policy=Policy(draw_seed=SeedSource.RANDOM)) as ledger:
        ledger.execute(
            {
                "type": "draw_supervisors",
                "case": case,
                "activity": act,
                "count": 1,
                "occurred_at": at("2023-03-03"),
            }
        )
        events = list(ledger.app.events.get(Case.id_for(case)))
        assert events[-1].seed_basis is None and events[-1].seed >= 0


@pytest.mark.parametrize("event_class", [Case.SupervisorsDrawn, Case.SupervisorReplaced])
def test_draws_stored_before_seed_bases_read_back_without_one(event_class: type) -> None:
    """A version-1 draw event (no ``class_version``, no ``seed_basis``) upcasts to a
    basis of None, as the draws recorded before issue 12 are read."""
    mapper = MsgspecMapper()
    fields = {
        "originator_id": Case.id_for("K"),
        "originator_version": 3,
        "timestamp": datetime(2023, 1, 1, tzinfo=UTC),
        "occurred_at": datetime(2023, 1, 1, tzinfo=UTC),
        "activity": "A1",
        "seed": 5,
        "pool": ("S1", "S2"),
        "seed_basis": SeedBasis(4, "00" * 32),
    }
    if event_class is Case.SupervisorsDrawn:
        fields.update(role=Role.PEOPLES_SUPERVISOR, speciality=None, count=1, drawn=("S1",))
    else:
        fields.update(supervisor="S1", replacement="S2", reason=None)
    stored = mapper.to_stored_event(event_class(**fields))
    state = json.loads(stored.state)
    assert state.pop("class_version") == 2 and state.pop("seed_basis") is not None
    old = StoredEvent(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=json.dumps(state).encode(),
    )
    event = mapper.to_domain_event(old)
    assert event.seed_basis is None and event.seed == 5
