"""A small web host embedding one shared Ledger: plain WSGI, standard library only.

Run it (one process, a thread per request; several such processes may share a store):

    python examples/host/app.py --store sqlite:///ledger.db --port 8000

    curl -X POST localhost:8000/commands -d '{"type": "register_unit", "unit": "QC",
         "name": "清城区人民检察院", "level": "district", "occurred_at": "2023-07-01T09:00"}'
    curl 'localhost:8000/statistics?unit=QC&start=2023-01-01&end=2023-12-31'
    curl 'localhost:8000/list/case?unit=QC&status=open&limit=20'
    curl 'localhost:8000/state/case/K1'
    curl 'localhost:8000/events?after=0&limit=100&wait=30'

The read side: ``/list/KIND`` (listings, paged by ``cursor``), ``/state/KIND/KEY`` (an
aggregate's state, ``as_of`` / ``at_position``), ``/statistics`` and
``/figures/KEY`` (figures), ``/feedback`` (what awaits an answer), ``/hearings``,
``/dossiers/KEY``, ``/history/KIND/KEY``, ``/events`` (the log after a position;
``wait`` seconds of long polling when nothing is new) and ``/schemas/NAME`` (the JSON
Schema of each answer).

Every route is one entry of ``ROUTES``: a method, a path pattern, and a function of
``(ledger, request)`` returning a JSON-able value. Errors follow the ledger's contract
(docs/api.md, "Errors"): a ``LedgerError`` becomes ``{"rule", "message"}`` with
``http_status(error)``; a malformed command is 422 with pydantic's error list.
"""

from __future__ import annotations

import argparse
import json
import re
import socketserver
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from pydantic import BaseModel, ValidationError

from supervision_ledger import Ledger, LedgerError, output_json_schema
from supervision_ledger.errors import InvalidArgument, http_status

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, str]  # path parameters, then query parameters
    body: Any


Route = tuple[str, re.Pattern[str], Callable[[Ledger, Request], Any]]


def post_command(ledger: Ledger, request: Request) -> Any:
    return ledger.execute(request.body).model_dump(mode="json")


def get_statistics(ledger: Ledger, request: Request) -> Any:
    p = request.params
    figures = ledger.statistics(
        p.get("unit"),
        rollup=p.get("rollup") == "1",
        start=p.get("start"),
        end=p.get("end"),
        as_of=p.get("as_of"),
    )
    return figures.model_dump(mode="json")


def get_dossier(ledger: Ledger, request: Request) -> Any:
    return ledger.dossier(request.params["supervisor"]).model_dump(mode="json")


def get_history(ledger: Ledger, request: Request) -> Any:
    entries = ledger.history(f"{request.params['kind']}:{request.params['key']}")
    return [entry.to_json() for entry in entries]


def number(params: dict[str, str], name: str, default: int | None = None) -> int | None:
    """An integer query parameter; anything else is a 400 naming it."""
    text = params.get(name)
    if text is None:
        return default
    try:
        return int(text)
    except ValueError:
        raise InvalidArgument(f"{name}: {text!r} is not an integer") from None


def flag(params: dict[str, str], name: str) -> bool:
    return params.get(name) in ("1", "true", "yes")


def get_listing(ledger: Ledger, request: Request) -> Any:
    p = request.params
    page = ledger.listing(
        p["kind"],
        unit=p.get("unit"),
        rollup=flag(p, "rollup"),
        type=p.get("type"),
        role=p.get("role"),
        status=p.get("status"),
        start=p.get("start"),
        end=p.get("end"),
        case=p.get("case"),
        limit=number(p, "limit", 50) or 50,
        cursor=p.get("cursor"),
        newest_first=flag(p, "newest_first"),
    )
    return page.model_dump(mode="json")


def get_state(ledger: Ledger, request: Request) -> Any:
    p = request.params
    state = ledger.state(
        p["kind"], p["key"], as_of=p.get("as_of"), at_position=number(p, "at_position")
    )
    return state.model_dump(mode="json")


def get_figure(ledger: Ledger, request: Request) -> Any:
    p = request.params
    figures = ledger.statistics(
        p.get("unit"),
        rollup=flag(p, "rollup"),
        start=p.get("start"),
        end=p.get("end"),
        as_of=p.get("as_of"),
    )
    value = figures.value(p["figure"])  # an unknown key: 400, naming the nearest
    shown = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
    return {"figure": p["figure"], "value": shown}


def get_feedback(ledger: Ledger, request: Request) -> Any:
    p = request.params
    pending = ledger.pending_feedback(
        p.get("unit"),
        rollup=flag(p, "rollup"),
        supervisor=p.get("supervisor"),
        case=p.get("case"),
        overdue_only=flag(p, "overdue"),
        as_of=p.get("as_of"),
    )
    return pending.model_dump(mode="json")


def get_hearings(ledger: Ledger, request: Request) -> Any:
    p = request.params
    register = ledger.hearings(
        p.get("unit"), rollup=flag(p, "rollup"), start=p.get("start"), end=p.get("end")
    )
    return register.model_dump(mode="json")


#: The longest a client may ask ``/events`` to wait for something new.
MAX_WAIT = 60.0


def get_events(ledger: Ledger, request: Request) -> Any:
    """The stored events after ``after``; with ``wait=S`` and nothing new, wait up to S
    seconds for the next one (long polling). ``next_after`` is the ``after`` of the next
    call: store it with what the events produced, and nothing is lost or seen twice."""
    p = request.params
    after = number(p, "after", 0) or 0
    limit = number(p, "limit", 100) or 100
    wait = min(float(number(p, "wait", 0) or 0), MAX_WAIT)
    events = ledger.events_after(after, limit=limit)
    if not events and wait > 0:
        with ledger.follow(after, idle_timeout=wait, poll_interval=0.2) as feed:
            first = next(feed, None)
        if first is not None:
            events = [first, *ledger.events_after(first.position, limit=limit - 1)][:limit]
    return {
        "events": [event.model_dump(mode="json") for event in events],
        "next_after": events[-1].position if events else after,
    }


def get_schema(ledger: Ledger, request: Request) -> Any:
    return output_json_schema(request.params["name"])


#: Add a route here to extend the host; the first match wins.
ROUTES: list[Route] = [
    ("POST", re.compile(r"/commands"), post_command),
    ("GET", re.compile(r"/statistics"), get_statistics),
    ("GET", re.compile(r"/dossiers/(?P<supervisor>[^/]+)"), get_dossier),
    ("GET", re.compile(r"/history/(?P<kind>[a-z_]+)/(?P<key>[^/]+)"), get_history),
    ("GET", re.compile(r"/list/(?P<kind>[a-z_]+)"), get_listing),
    ("GET", re.compile(r"/state/(?P<kind>[a-z_]+)/(?P<key>[^/]+)"), get_state),
    ("GET", re.compile(r"/figures/(?P<figure>[a-z0-9_.]+)"), get_figure),
    ("GET", re.compile(r"/feedback"), get_feedback),
    ("GET", re.compile(r"/hearings"), get_hearings),
    ("GET", re.compile(r"/events"), get_events),
    ("GET", re.compile(r"/schemas/(?P<name>[a-z]+)"), get_schema),
]


def make_app(ledger: Ledger, routes: Iterable[Route] = ROUTES) -> Callable[..., Iterable[bytes]]:
    """The WSGI application: one ``Ledger`` shared by every request thread."""
    table = list(routes)

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        # PEP 3333: the path arrives as latin-1 text of its bytes; keys are UTF-8.
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
        matches = (
            (handler, found)
            for route_method, pattern, handler in table
            if route_method == method and (found := pattern.fullmatch(path))
        )
        handler, found = next(matches, (None, None))
        if handler is None or found is None:
            return reply(start_response, 404, {"rule": "no_route", "message": path})
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        try:
            body = read_json(environ) if method == "POST" else None
        except ValueError as error:
            return reply(start_response, 400, {"rule": "bad_json", "message": str(error)})
        request = Request(method, path, {**query, **found.groupdict()}, body)
        try:
            return reply(start_response, 200, handler(ledger, request))
        except LedgerError as error:
            return reply(
                start_response, http_status(error), {"rule": error.rule, "message": error.message}
            )
        except ValidationError as error:
            return reply(
                start_response,
                422,
                {"rule": "invalid_command", "errors": error.errors(include_url=False)},
            )

    return app


def read_json(environ: dict[str, Any]) -> Any:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return json.loads(environ["wsgi.input"].read(length) or b"null")


def reply(start_response: StartResponse, status: int, value: Any) -> list[bytes]:
    body = json.dumps(value, ensure_ascii=False, default=str).encode()
    reason = {
        200: "OK",
        400: "Bad Request",
        404: "Not Found",
        409: "Conflict",
        422: "Unprocessable Entity",
        500: "Internal Server Error",
        503: "Service Unavailable",
    }.get(status, "")
    headers = [
        ("Content-Type", "application/json; charset=utf-8"),
        ("Content-Length", str(len(body))),
    ]
    if status == 503:
        headers.append(("Retry-After", "1"))
    start_response(f"{status} {reason}", headers)
    return [body]


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    """wsgiref's server, one thread per request (the Ledger is shared by them all)."""

    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(ledger: Ledger, host: str = "127.0.0.1", port: int = 8000) -> ThreadingWSGIServer:
    """A server for ``ledger`` (not yet serving: call ``serve_forever()``)."""
    server = make_server(
        host, port, make_app(ledger), server_class=ThreadingWSGIServer, handler_class=QuietHandler
    )
    assert isinstance(server, ThreadingWSGIServer)
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="store URL (default: $SUPERVISION_LEDGER_STORE)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    with Ledger(store=args.store) as ledger, serve(ledger, args.host, args.port) as server:
        print(f"serving on http://{args.host}:{server.server_port}")
        server.serve_forever()


if __name__ == "__main__":
    main()
