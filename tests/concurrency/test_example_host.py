"""The example host (examples/host/app.py) under concurrent clients: one Ledger shared
by the server's request threads, errors answered by the documented contract."""

from __future__ import annotations

import importlib.util
import json
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from supervision_ledger import Ledger

APP = Path(__file__).resolve().parents[2] / "examples" / "host" / "app.py"
CLIENTS = 8
EACH = 25


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("example_host", APP)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def base(sqlite_file_url: str) -> Iterator[str]:
    example = load_example()
    with Ledger(store=sqlite_file_url) as ledger, example.serve(ledger, port=0) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            thread.join()


def call(base: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def command(base: str, type_: str, **fields: Any) -> tuple[int, Any]:
    return call(base, "/commands", {"type": type_, **fields})


def setup(base: str) -> None:
    steps = [
        (
            "register_unit",
            {
                "unit": "QC",
                "name": "清城区人民检察院",
                "level": "district",
                "occurred_at": "2023-01-01T09:00",
            },
        ),
        *(
            (
                "appoint_supervisor",
                {
                    "supervisor": f"P{n}",
                    "unit": "QC",
                    "name": f"朱某{n}",
                    "roles": ["peoples_supervisor"],
                    "term_start": "2022-01-01",
                    "occurred_at": "2022-01-01T09:00",
                },
            )
            for n in range(CLIENTS)
        ),
        (
            "register_case",
            {
                "case": "K1",
                "unit": "QC",
                "kind": "other",
                "handling_prosecutor": "赵某",
                "received_on": "2023-03-01",
                "occurred_at": "2023-03-01T09:00",
            },
        ),
        (
            "open_activity",
            {
                "case": "K1",
                "activity": "A1",
                "activity_type": "quality_review",
                "occurred_at": "2023-03-02T09:00",
            },
        ),
    ]
    for n in range(CLIENTS):
        steps.append(
            (
                "invite_supervisor",
                {
                    "case": "K1",
                    "activity": "A1",
                    "supervisor": f"P{n}",
                    "occurred_at": "2023-03-02T10:00",
                },
            )
        )
        steps.append(
            (
                "record_attendance",
                {
                    "case": "K1",
                    "activity": "A1",
                    "supervisor": f"P{n}",
                    "occurred_at": "2023-03-03T10:00",
                },
            )
        )
    for type_, fields in steps:
        status, body = command(base, type_, **fields)
        assert status == 200, body


def test_concurrent_clients_are_each_answered_once(base: str) -> None:
    setup(base)
    statuses: list[int] = []
    failures: list[BaseException] = []

    def client(n: int) -> None:
        try:
            for i in range(EACH):
                status, _ = command(
                    base,
                    "submit_opinion",
                    case="K1",
                    activity="A1",
                    supervisor=f"P{n}",
                    content=f"意见{n}-{i}",
                    occurred_at="2023-03-04T09:00",
                    command_id=f"c{n}-{i}",
                )
                statuses.append(status)
                if i % 10 == 0:
                    statuses.append(call(base, "/statistics")[0])
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert set(statuses) == {200}
    status, figures = call(base, "/statistics?unit=QC")
    assert status == 200
    assert figures["figures"]["opinions.submitted"] == CLIENTS * EACH
    # A repeated command id is answered from its record.
    status, again = command(
        base,
        "submit_opinion",
        case="K1",
        activity="A1",
        supervisor="P0",
        content="意见0-0",
        occurred_at="2023-03-04T09:00",
        command_id="c0-0",
    )
    assert (status, again["replayed"]) == (200, True)


def test_errors_follow_the_contract(base: str) -> None:
    setup(base)
    assert command(
        base, "open_activity", case="K9", activity_type="other", occurred_at="2023-03-02T09:00"
    ) == (404, {"rule": "not_found", "message": "no case 'K9' in the ledger"})
    status, body = command(
        base, "register_unit", unit="QC", name="x", level="district", occurred_at="2023-01-01T09:00"
    )
    assert (status, body["rule"]) == (409, "already_exists")
    status, body = command(
        base, "suspend_supervisor", supervisor="P1", reason="x", occurred_at="2023-03-03T09:00"
    )
    assert (status, body["rule"]) == (422, "service_after_status_change")
    status, body = command(base, "register_case", case="K2")
    assert (status, body["rule"]) == (422, "invalid_command")
    status, body = call(base, "/statistics?start=2023-12-31&end=2023-01-01")
    assert (status, body["rule"]) == (422, "invalid_period")
    status, body = call(base, "/statistics?start=someday")
    assert (status, body["rule"]) == (400, "invalid_argument")
    assert call(base, "/nowhere")[0] == 404
