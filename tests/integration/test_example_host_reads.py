"""The read side of the example host (examples/host/app.py) through an in-process WSGI
client: listings, state, figures, the feedback list, the hearing register, following
the log (with long polling) and the published schemas."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

import jsonschema
import pytest

from supervision_ledger import Ledger

APP = Path(__file__).resolve().parents[2] / "examples" / "host" / "app.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("example_host", APP)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


class Client:
    """Calls a WSGI application in this process, as a server would."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app

    def request(self, method: str, path: str, body: Any = None, **query: Any) -> tuple[int, Any]:
        data = b"" if body is None else json.dumps(body).encode()
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            # As a server hands it over (PEP 3333): the UTF-8 bytes, as latin-1 text.
            "PATH_INFO": path.encode().decode("latin-1"),
            "QUERY_STRING": urlencode({k: v for k, v in query.items() if v is not None}),
            "CONTENT_LENGTH": str(len(data)),
            "wsgi.input": io.BytesIO(data),
        }
        setup_testing_defaults(environ)
        status: list[str] = []
        chunks = self.app(environ, lambda s, headers: status.append(s))
        return int(status[0].split()[0]), json.loads(b"".join(chunks))

    def get(self, path: str, **query: Any) -> tuple[int, Any]:
        return self.request("GET", path, **query)

    def command(self, type_: str, **fields: Any) -> dict[str, Any]:
        code, result = self.request("POST", "/commands", {"type": type_, **fields})
        assert code == 200, result
        return dict(result)


@pytest.fixture
def client(store_url: str) -> Iterator[Client]:
    example = load_example()
    with Ledger(store=store_url) as ledger:
        client = Client(example.make_app(ledger))
        client.command("register_unit", unit="QY", name="清远市人民检察院", level="city",
                       occurred_at="2020-01-01T09:00")  # fmt: skip
        client.command("register_unit", unit="QC", name="清城区人民检察院", level="district",
                       parent="QY", occurred_at="2020-01-01T10:00")  # fmt: skip
        for n in (1, 2):
            client.command("appoint_supervisor", supervisor=f"P{n}", unit="QC",
                           name=f"朱某{n}", roles=["peoples_supervisor"],
                           term_start="2023-01-01", occurred_at="2023-01-01T09:00")  # fmt: skip
        for n in (1, 2, 3):
            client.command("register_case", case=f"清城检〔2023〕{n}号", unit="QC",
                           kind="other", handling_prosecutor="李检", received_on="2023-03-01",
                           occurred_at=f"2023-03-0{n}T09:00")  # fmt: skip
        yield client


def test_listings_page_with_their_cursor(client: Client) -> None:
    code, first = client.get("/list/case", unit="QY", rollup="1", limit=2)
    assert code == 200 and [i["key"] for i in first["items"]] == ["清城检〔2023〕1号",
                                                                  "清城检〔2023〕2号"]  # fmt: skip
    code, rest = client.get("/list/case", unit="QY", rollup="1", limit=2,
                            cursor=first["next_cursor"])  # fmt: skip
    assert [i["key"] for i in rest["items"]] == ["清城检〔2023〕3号"] and rest[
        "next_cursor"
    ] is None
    code, people = client.get("/list/supervisor", role="peoples_supervisor")
    assert [p["label"] for p in people["items"]] == ["朱某1", "朱某2"]
    code, error = client.get("/list/cases")
    assert code == 400 and error["rule"] == "unknown_kind" and "'case'" in error["message"]
    code, error = client.get("/list/case", limit="many")
    assert code == 400 and error["message"] == "limit: 'many' is not an integer"
    code, error = client.get("/list/case", cursor="nonsense")
    assert code == 400 and error["rule"] == "invalid_cursor"


def test_state_now_and_as_of(client: Client) -> None:
    key = "清城检〔2023〕1号"
    code, case = client.get(f"/state/case/{key}")
    assert code == 200 and case["kind"] == "case" and case["unit"] == "QC"
    client.command("close_case", case="清城检〔2023〕1号", occurred_at="2023-06-01T09:00")
    code, closed = client.get(f"/state/case/{key}")
    code, before = client.get(f"/state/case/{key}", as_of="2023-05-31")
    assert closed["closed_at"] is not None and before["closed_at"] is None
    assert client.get("/state/case/nope")[0] == 404
    code, error = client.get(f"/state/case/{key}", as_of="2023-05-31", at_position="3")
    assert code == 400 and error["rule"] == "invalid_argument"


def test_figures_feedback_and_hearings(client: Client) -> None:
    client.command("open_activity", case="清城检〔2023〕3号", activity_type="document_service",
                   occurred_at="2023-03-04T09:00")  # fmt: skip
    for step in ("invite_supervisor", "record_attendance"):
        client.command(step, case="清城检〔2023〕3号", activity="A1", supervisor="P1",
                       occurred_at="2023-03-04T10:00")  # fmt: skip
    code, figure = client.get("/figures/activities.total", unit="QY", rollup="1")
    assert code == 200 and figure == {"figure": "activities.total", "value": 1}
    code, rate = client.get("/figures/opinions.adoption_rate")
    assert rate["value"] == {"numerator": 0, "denominator": 0, "value": None}
    code, error = client.get("/figures/activities.totl")
    assert code == 400 and "did you mean 'activities.total'" in error["message"]
    code, pending = client.get("/feedback", unit="QC", as_of="2023-12-31")
    assert code == 200 and pending["opinions"] == [] and pending["as_of"] == "2023-12-31"
    code, register = client.get("/hearings", unit="QY", rollup="1")
    assert code == 200 and register == {"hearings": [], "next_cursor": None}
    for name, path in (("feedback", "/feedback"), ("hearings", "/hearings"),
                       ("list", "/list/case")):  # fmt: skip
        code, schema = client.get(f"/schemas/{name}")
        jsonschema.validate(client.get(path)[1], schema)


def test_events_page_and_wait_for_the_next(client: Client) -> None:
    code, page = client.get("/events", after=0, limit=3)
    assert code == 200 and len(page["events"]) == 3
    assert page["next_after"] == page["events"][-1]["position"]
    code, everything = client.get("/events", after=0, limit=1000)
    head = everything["next_after"]
    assert client.get("/events", after=head) == (200, {"events": [], "next_after": head})

    answer: list[tuple[int, Any]] = []
    waiting = threading.Thread(target=lambda: answer.append(client.get("/events", after=head,
                                                                       wait=30)))  # fmt: skip
    waiting.start()
    client.command("close_case", case="清城检〔2023〕2号", occurred_at="2023-06-01T09:00")
    waiting.join(60)
    ((code, news),) = answer
    assert code == 200 and news["events"][0]["event"] == "Case.Closed"
    assert news["events"][0]["aggregate_key"] == "清城检〔2023〕2号"
    assert news["next_after"] > head
    schema = client.get("/schemas/event")[1]
    for event in news["events"]:
        jsonschema.validate(event, schema)
