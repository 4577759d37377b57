"""The HTML bulletin in a real browser (Debian's chromium, headless): it renders (a
screenshot is kept in the test's tmp dir), logs no console error, asks the network for
nothing, and the numbers the browser shows equal ``report --json``.

Without chromium these tests skip, unless SUPERVISION_LEDGER_REQUIRE_BROWSER=1 (set by
``.ci/run``, which installs it): then they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bulletin_page import Page, close_rates, page_figures
from ledger_stories import Story, seed_000

from supervision_ledger import Ledger
from supervision_ledger.cli import main

REQUIRE_ENV = "SUPERVISION_LEDGER_REQUIRE_BROWSER"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Where chromium itself goes on its own (time, updates, accounts) despite the flags
#: above: not the page's doing, so not held against it.
BROWSER_HOUSEKEEPING = {
    "clients1.google.com",
    "clients2.google.com",
    "update.googleapis.com",
    "accounts.google.com",
    "redirector.gvt1.com",
    "edgedl.me.gvt1.com",
    "safebrowsingohttpgateway.googleapis.com",
    "optimizationguide-pa.googleapis.com",
    "content-autofill.googleapis.com",
}
#: What chromium prints on stderr (with --enable-logging=stderr) for a console message.
CONSOLE = re.compile(r':CONSOLE(?:\(\d+\)|:\d+)\] "(.*)", source: (.*)')
SCOPE = ["--unit", "QY", "--rollup", "--from", "2023-01-01", "--to", "2023-12-31"]
AS_OF = ["--as-of", "2023-12-31"]


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"chromium is not installed and {REQUIRE_ENV}=1")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


class Requests(BaseHTTPRequestHandler):
    """A proxy that answers nothing and remembers every request the browser made."""

    seen: list[str]

    def _refuse(self) -> None:
        host = urlsplit(self.path if "://" in self.path else f"//{self.path}").hostname
        if host not in BROWSER_HOUSEKEEPING:
            self.seen.append(f"{self.command} {self.path}")
        self.send_error(403)

    do_GET = do_POST = do_HEAD = do_CONNECT = _refuse

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def proxy() -> Iterator[tuple[str, list[str]]]:
    """``(--proxy-server value, requests seen)``: every http(s) request goes through it."""
    seen: list[str] = []
    handler = type("Seen", (Requests,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def browse(
    page: Path, tmp_path: Path, proxy: str, *action: str
) -> subprocess.CompletedProcess[str]:
    """Open ``page`` once in a fresh profile, every request through ``proxy``."""
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    command = [
        chromium(),
        *FLAGS,
        f"--user-data-dir={profile}",
        f"--proxy-server={proxy}",
        "--proxy-bypass-list=<-loopback>",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1280,4000",
        *action,
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def shown_loads(dom: str) -> list[str]:
    page = Page()
    page.feed(dom)
    return page.loads


def console_messages(stderr: str) -> list[str]:
    return [f"{m.group(1)} ({m.group(2)})" for m in CONSOLE.finditer(stderr)]


def test_the_checks_see_console_errors_and_requests(
    tmp_path: Path, proxy: tuple[str, list[str]]
) -> None:
    """The two checks below can fail: a page that logs an error and loads an image
    from the web is caught by both."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><body><img src="http://bulletin.invalid/logo.png">'
        '<script>console.error("broken bulletin")</script></body></html>',
        encoding="utf-8",
    )
    url, seen = proxy
    result = browse(page, tmp_path, url, "--dump-dom")
    assert any("broken bulletin" in m for m in console_messages(result.stderr)), result.stderr
    assert any("bulletin.invalid" in request for request in seen), seen


@pytest.fixture(scope="module")
def bulletin(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object], str]:
    """(bulletin.html, the figures of ``report --json``, the store) for seed 000."""
    directory = tmp_path_factory.mktemp("bulletin")
    store = f"sqlite:///{directory / 'ledger.db'}"
    with Ledger(store=store) as ledger:
        seed_000(Story(ledger))
    page = directory / "bulletin.html"
    assert (
        main(["report", "--store", store, *SCOPE, *AS_OF, "--format", "html", "--out", str(page)])
        == 0
    )
    return page, {}, store


def test_the_bulletin_in_a_browser(
    bulletin: tuple[Path, dict[str, object], str],
    tmp_path: Path,
    proxy: tuple[str, list[str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("pygal")
    page, _, store = bulletin
    url, seen = proxy
    shot = tmp_path / "bulletin.png"  # the test's artefact: never in the repository
    rendered = browse(page, tmp_path, url, f"--screenshot={shot}")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    dumped = browse(page, tmp_path, url, "--dump-dom")
    assert console_messages(rendered.stderr + dumped.stderr) == []
    assert seen == []  # nothing fetched from anywhere
    assert shown_loads(dumped.stdout) == []  # nor anything the page would fetch

    capsys.readouterr()
    assert main(["report", "--store", store, *SCOPE, *AS_OF, "--json"]) == 0
    expected = json.loads(capsys.readouterr().out)["figures"]
    shown = Page()
    shown.feed(dumped.stdout)  # the DOM as the browser built it
    close_rates(page_figures(shown), expected)
    assert len(re.findall(r"<svg", dumped.stdout)) == 7  # every chart was parsed as SVG
    with Ledger(store=store) as ledger:
        digest = ledger.digest()
    assert shown.provenance["data-position"] == str(digest.position)
    assert shown.provenance["data-chain-hash"] == digest.chain_hash
