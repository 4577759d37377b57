"""Optional dependencies of the report formats, with the install command when missing."""

from __future__ import annotations

import importlib
from types import ModuleType


class MissingExtra(ImportError):
    """A report format needs an optional extra that is not installed."""

    def __init__(self, what: str, extra: str, module: str) -> None:
        super().__init__(
            f"{what} needs the optional '{extra}' extra ({module} is not installed): "
            f"pip install 'supervision-ledger[{extra}]'"
        )
        self.extra = extra


def require(module: str, extra: str, what: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingExtra` naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise MissingExtra(what, extra, module) from error


#: The modules each report format needs beyond the core install, with their extra.
NEEDS: dict[str, tuple[tuple[str, str], ...]] = {
    "xlsx": (("openpyxl", "xlsx"),),
    "html": (("jinja2", "report"), ("pygal", "report")),
}


def check_format(name: str) -> None:
    """Raise :class:`MissingExtra` now if format ``name`` could not be written."""
    for module, extra in NEEDS.get(name, ()):
        require(module, extra, f"--format {name}")
