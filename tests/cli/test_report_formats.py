"""``report --format csv|xlsx|html``: every format reads back equal to ``report --json``;
the bulletin names the log position and chain hash; missing extras and options that do
not go together are refused clearly."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from bulletin_page import Page, close_rates, page_figures
from ledger_stories import Story, seed_000

from supervision_ledger import Ledger
from supervision_ledger.audit import Digest
from supervision_ledger.cli import main
from supervision_ledger.projections.figures import FIGURES
from supervision_ledger.reporting import LogKeptMoving, Scope, gather

SCOPE = ["--unit", "QY", "--rollup", "--from", "2023-01-01", "--to", "2023-12-31"]
AS_OF = ["--as-of", "2023-12-31"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('formats') / 'ledger.db'}"
    with Ledger(store=url) as ledger:
        story = Story(ledger)
        seed_000(story)
        case, act = story.activity("QC", "2023-11-01", "other", attend=["PS02"])
        story.opinion(case, act, "PS02", "2023-11-01", feedback_after_days=None)
    return url


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def report_json(capsys: pytest.CaptureFixture[str], store: str, *scope: str) -> dict[str, Any]:
    code, out, err = run(capsys, "report", "--store", store, *scope, *AS_OF, "--json")
    assert code == 0, err
    figures: dict[str, Any] = json.loads(out)["figures"]
    return figures


def number(text: str) -> int | float | str | None:
    """A spreadsheet cell's text back as the JSON value it stands for."""
    if text == "":
        return None
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d{2}", text):
        return text  # a yuan amount: a decimal string in JSON
    return float(text)


def test_csv_reads_back_equal_to_json(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    expected = report_json(capsys, store, *SCOPE)
    code, out, _ = run(capsys, "report", "--store", store, *SCOPE, *AS_OF, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["key"] for row in rows] == list(FIGURES)
    found = {
        row["key"]: {
            "numerator": int(row["numerator"]),
            "denominator": int(row["denominator"]),
            "value": float(row["value"]) if row["value"] else None,
        }
        if row["denominator"]
        else number(row["value"])
        for row in rows
    }
    assert found == expected
    first = rows[0]
    assert (first["unit"], first["rollup"], first["period"]) == (
        "QY",
        "true",
        "2023-01-01/2023-12-31",
    )
    assert first["label_zh"] == FIGURES[first["key"]].zh
    assert first["label_en"] == FIGURES[first["key"]].en


def read_sheet(sheet: Any) -> dict[str, Any]:
    """Figure key → JSON value from a sheet of key, zh, en, value, numerator, denominator."""
    found: dict[str, Any] = {}
    for key, _, _, value, numerator, denominator in sheet.iter_rows(min_row=2):
        if value.number_format == "#,##0.00":  # a yuan amount: a decimal string in JSON
            found[key.value] = f"{value.value:.2f}"
        elif denominator.value is not None:
            found[key.value] = {
                "numerator": numerator.value,
                "denominator": denominator.value,
                "value": value.value,
            }
        else:
            found[key.value] = value.value
    return found


def test_xlsx_has_a_sheet_per_section_and_per_unit_equal_to_json(
    store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    expected = report_json(capsys, store, *SCOPE)
    out = tmp_path / "report.xlsx"
    code, _, err = run(
        capsys, "report", "--store", store, *SCOPE, *AS_OF, "--format", "xlsx", "--out", str(out)
    )
    assert code == 0 and f"wrote {out}" in err
    book = openpyxl.load_workbook(out)
    names = book.sheetnames
    assert names[0] == "概要"
    sections = [name for name in names[1:] if name not in ("QY", "QC", "YD")]
    assert sections[0] == "参与情况" and len(sections) == len({f.section for f in FIGURES.values()})
    found: dict[str, Any] = {}
    for name in sections:
        found.update(read_sheet(book[name]))
    assert found == expected
    for unit in ("QY", "QC", "YD"):  # the units under QY, each alone
        alone = report_json(
            capsys, store, "--unit", unit, "--from", "2023-01-01", "--to", "2023-12-31"
        )
        assert read_sheet(book[unit]) == alone, unit
    summary = dict(book["概要"].iter_rows(values_only=True))
    with Ledger(store=store) as ledger:
        assert summary["链哈希"] == ledger.digest().chain_hash


def test_html_bulletin_tables_equal_json_and_name_the_log(
    store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("pygal")
    expected = report_json(capsys, store, *SCOPE)
    out = tmp_path / "bulletin.html"
    code, _, err = run(
        capsys, "report", "--store", store, *SCOPE, *AS_OF, "--format", "html", "--out", str(out)
    )
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    page = Page()
    page.feed(html)
    close_rates(page_figures(page), expected)
    with Ledger(store=store) as ledger:
        digest = ledger.digest()
    assert page.provenance["data-position"] == str(digest.position)
    assert page.provenance["data-chain-hash"] == digest.chain_hash
    assert digest.chain_hash in html and "人民监督工作统计公报" in html
    assert page.loads == []  # no script, stylesheet, image or font from anywhere
    assert "<script src" not in html and "<link" not in html
    for chart in ("activities", "roles", "opinions", "feedback", "months", "petitions", "units"):
        assert f'id="chart-{chart}"' in html, chart
    assert html.count("<svg") == 7
    again = tmp_path / "again.html"
    assert (
        main(["report", "--store", store, *SCOPE, *AS_OF, "--format", "html", "--out", str(again)])
        == 0
    )
    assert again.read_text(encoding="utf-8") == html  # the same figures, the same file


def test_html_in_english_and_to_stdout(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pygal")
    code, out, _ = run(capsys, "report", "--store", store, "--format", "html", "--lang", "en")
    assert code == 0
    assert '<html lang="en">' in out and "Supervision bulletin" in out
    assert "no figures per month" in out  # an open period: no chart per month
    assert 'id="chart-months"' not in out


@pytest.mark.parametrize(
    ("fmt", "module", "extra"),
    [("html", "pygal", "report"), ("html", "jinja2", "report"), ("xlsx", "openpyxl", "xlsx")],
)
def test_a_missing_extra_names_the_install_command(
    fmt: str,
    module: str,
    extra: str,
    store: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # import fails as if not installed
    out = tmp_path / f"report.{fmt}"
    code, _, err = run(capsys, "report", "--store", store, "--format", fmt, "--out", str(out))
    assert code == 2
    assert f"pip install 'supervision-ledger[{extra}]'" in err and module in err
    assert not out.exists()


def test_options_that_do_not_go_together(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "report", "--store", store, "--json", "--format", "csv")
    assert code == 2 and "--json" in err
    code, _, err = run(capsys, "report", "--store", store, "--format", "xlsx")
    assert code == 2 and "--out" in err


def test_table_and_json_can_go_to_a_file(
    store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.json"
    code, printed, _ = run(capsys, "report", "--store", store, "--json", "--out", str(out))
    assert code == 0 and printed == ""
    assert "figures" in json.loads(out.read_text(encoding="utf-8"))


class MovingLedger:
    """A ledger whose log grows between any two reads of its digest."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger, self.calls = ledger, 0

    def digest(self, at_position: int | None = None) -> Digest:
        self.calls += 1
        return Digest(position=self.calls, chain_hash="0" * 64, count=self.calls)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ledger, name)


def test_figures_are_not_pinned_to_a_log_that_keeps_moving(store: str) -> None:
    with Ledger(store=store) as ledger:
        moving = MovingLedger(ledger)
        with pytest.raises(LogKeptMoving, match="--at-position"):
            gather(moving, Scope(unit="QY"))  # type: ignore[arg-type]
        assert moving.calls == 6  # three tries, each read before and after


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_an_unwritable_out_is_a_usage_error(
    fmt: str, store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "missing-dir" / f"report.{fmt}"
    code, _, err = run(capsys, "report", "--store", store, "--format", fmt, "--out", str(out))
    assert code == 2 and f"error: --out: cannot write {out}" in err and "store" not in err
