"""A realistic year (2023) of one district procuratorate, recorded through the public API.

``run_demo(ledger, seed)`` is what ``supervision-ledger demo`` runs: 清城区人民检察院 under
清远市人民检察院, with about thirty people (people's supervisors, hearing officers, some
both, invited prosecutor assistants, NPC deputies and CPPCC members, grid workers),
about a hundred supervision activities over all nine types plus supervisor-initiated
ones, sixty to eighty hearings, and the flows around them — at the scale the seed
articles report. One module per flow:

* :mod:`.roster` — units, appointments, assessments, relationships, trainings;
* :mod:`.activities` and :mod:`.hearings` — supervised cases and hearings, sharing
  :mod:`.cases` (invitations, attendance, the opinion's lifecycle, closing);
* :mod:`.suggestions`, :mod:`.petitions`, :mod:`.leads`, :mod:`.typical_cases`,
  :mod:`.partners`, :mod:`.trial_committee` — the neighbouring flows, planned by
  :mod:`.neighbours`;
* :mod:`.plan` plans the year, :mod:`.runner` runs it, :mod:`.summary` prints the
  year's figures as the statistics compute them.

How it stays realistic and reproducible:

* Each case, hearing and the roster is a *flow*: a generator that yields commands and
  receives each command's result (a draw's result says who was drawn). A small scheduler
  runs the flows interleaved in business-time order, so the ledger sees the year as it
  happened, and stops at the end of the year — whatever would happen later (feedback not
  yet given, hearings not yet held) stays pending, as in a real ledger on 31 December.
* All randomness comes from ``random.Random(seed)``; every flow gets its own generator
  seeded from it, and every draw its own seed from that. Commands get the ids
  ``demo-{seed}-{n}`` in the order they are executed, so running the demo again on the
  same store records nothing twice.
* Choices that need to know who may serve (an initiator, a named invitation, a
  replacement hearing officer, an observer) use the demo's own knowledge of the roster
  it appointed; random draws are left to the ledger.
"""

from .clock import YEAR, in_office_hours
from .names import CITY, DISTRICT
from .runner import run_demo
from .summary import DemoSummary

__all__ = ["CITY", "DISTRICT", "YEAR", "DemoSummary", "in_office_hours", "run_demo"]
