"""The sections of the statistics report, one module each.

Each module holds, together: its :class:`~.base.Section` (key, Chinese and English
title, the date that decides the period), the fact tables it fills with their indexes,
its handlers (a ``…Facts`` view mixin, in the order of the events' lifecycle) and its
figures (key, 中文, English, definition, computation) in report order.

* :mod:`.scope` — units and cases, which every section places its matters by;
* :mod:`.participation`, :mod:`.activities`, :mod:`.opinions`, :mod:`.feedback`,
  :mod:`.hearings`, :mod:`.allowances`, :mod:`.roster` — the core figures, kept by the
  ``statistics`` view (:mod:`..statistics`);
* :mod:`.suggestions`, :mod:`.petitions`, :mod:`.leads`, :mod:`.typical_cases`,
  :mod:`.partners`, :mod:`.trial_committee` — the neighbouring flows, kept by the
  ``flow_statistics`` view (:mod:`..flows`).

The report's order of sections is declared once, in :mod:`..figures`.
"""
