"""Write ``src/supervision_ledger/projections/figure_keys.py``: every published figure key
as a ``Literal`` type, from the figure registry (a test keeps the file in step).

    python tools/gen_figure_keys.py
"""

from __future__ import annotations

import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "src/supervision_ledger/projections/figure_keys.py"


def render() -> str:
    from supervision_ledger.projections import api  # noqa: F401 - registers every figure
    from supervision_ledger.projections.figures import FIGURES

    lines = [
        '"""Every published figure key, as a type: ``Statistics.count("opinions.submitted")``',
        "is checked by a type checker, and a typo is an error before the code runs.",
        "",
        "Generated from the figure registry by ``python tools/gen_figure_keys.py``; a test",
        "keeps it in step. The definitions: docs/statistics.md.",
        '"""',
        "",
        "from typing import Literal",
        "",
        "#: A key of ``Statistics.figures`` (every figure of docs/statistics.md).",
        "FigureKey = Literal[",
        *(f'    "{key}",' for key in FIGURES),
        "]",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {TARGET}\n")
