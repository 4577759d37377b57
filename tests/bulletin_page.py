"""Reading the HTML bulletin back: its figure tables, its footer, what it would load."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest


class Page(HTMLParser):
    """The figure rows (key → cell texts), the footer's data and what the page loads."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self.provenance: dict[str, str] = {}
        self.loads: list[str] = []
        self.scripts_with_src = 0
        self._row: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("src", "href", "xlink:href"):
            if found.get(name) and not str(found[name]).startswith("#"):
                self.loads.append(str(found[name]))
        if tag == "tr" and found.get("data-key"):
            self._row = str(found["data-key"])
            self.rows[self._row] = []
        elif tag == "td" and self._row is not None:
            self._cell = []
        elif tag == "p" and found.get("id") == "provenance":
            self.provenance = {k: str(v) for k, v in found.items()}

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._row is not None and self._cell is not None:
            self.rows[self._row].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr":
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def page_figures(page: Page) -> dict[str, Any]:
    """Figure key → JSON value, read from the bulletin's table cells."""
    found: dict[str, Any] = {}
    for key, (_, value, numerator, denominator) in page.rows.items():
        if denominator:
            share = None if value == "—" else round(float(value.rstrip("%")) / 100, 4)
            found[key] = {
                "numerator": int(numerator),
                "denominator": int(denominator),
                "value": share,
            }
        else:
            found[key] = int(value) if re.fullmatch(r"\d+", value) else value
    return found


def close_rates(found: dict[str, Any], expected: dict[str, Any]) -> None:
    """Equal, except that a rate's value printed as a percentage with 2 decimals is
    compared to 4 places as printed."""
    assert found.keys() == expected.keys()
    for key, value in expected.items():
        if isinstance(value, dict) and value["value"] is not None:
            assert found[key]["value"] == pytest.approx(value["value"], abs=5e-5), key
            assert (found[key]["numerator"], found[key]["denominator"]) == (
                value["numerator"],
                value["denominator"],
            ), key
        else:
            assert found[key] == value, key
