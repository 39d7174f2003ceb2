"""The fast paths over HTTP: plain JSON routes (``/api/*``) and saved GraphQL operations by name.

* ``GET /api/lead?item=…&region=…&asOf=…`` and ``/api/assist`` (the same),
  ``/api/gaps`` · ``/api/conflicts`` · ``/api/inspections`` (``region``,
  ``asOf``, ``kind`` repeatable), ``/api/assign`` (``name``, ``description``,
  ``behavior`` repeatable, ``region``, ``asOf``) answer with exactly what the
  CLI prints with ``--json`` (:func:`dutygraph.questions.answer`), compact
  UTF-8 JSON. ``as_of`` is accepted for ``asOf``. A bad question is a 400 (an
  unknown name a 404) with ``{"error": "<Chinese first>"}``.
* ``GET /graphql/saved/NAME?var=value…`` (or ``POST`` with
  ``{"variables": {...}}``) runs the saved operation ``queries/NAME.graphql``
  — the same schema, context and limits as ``/graphql``; its text was parsed
  and validated once, so a request pays for execution alone. The answer is
  the usual ``{"data": …, "errors": […]}``.

Both read the server's shared snapshot (:mod:`dutygraph.api.state`), asked
once per iteration of the event loop: no request opens the store, and on one
state of the store the same question is answered once, then sent again from
memory (encoded) — a saved operation too, when it is a light read of the
snapshot (not a mutation, nothing read from the store itself), kept by its
variables, the caller's role, host and language, and the date.

``GET /api/lead`` and ``/api/assist`` — the hot questions — are answered by
:class:`Lookups`, raw ASGI in front of Starlette (no middleware stack, router,
request or response objects; on the whole graph in memory, on the event loop
itself), through the same :class:`Questions` as the routes: the same bytes,
errors and status codes either way.

Reading follows the GraphQL endpoint's rule: from this machine without a
token, from elsewhere with a valid bearer token.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import orjson
from graphql import NamedTypeNode, NonNullTypeNode, OperationDefinitionNode, parse
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .. import config
from ..errors import DutyGraphError, NotFound, UsageError
from ..graph import DutyGraph
from ..questions import SCANS, answer
from ..serialize import dumps
from .auth import lang_of, role_of
from .guard import refusal, text_too_long, too_long_message
from .saved import SavedQuery
from .state import Snapshot, Snapshots
from .workers import TimedOut, Workers, lane_of, on_snapshot, reads_store, release

if TYPE_CHECKING:  # strawberry's: imported when a saved operation first runs, not to listen
    from .loaders import GraphAccess

__all__ = ["JSON", "Lookups", "Questions", "api_routes"]

JSON = "application/json"

#: the questions served under /api/, and the parameters each reads
_PARAMS: dict[str, tuple[str, ...]] = {
    "lead": ("item", "region"),
    "assist": ("item", "region"),
    **{scan: ("region",) for scan in SCANS},
    "assign": ("name", "description", "region"),
}
#: the lookups: quick on the whole graph, answered by :class:`Lookups` without Starlette
_LOOKUPS = ("lead", "assist")
#: GraphQL variable types sent as text from a query string (the others are read as JSON)
_TEXT_TYPES = {"String", "ID", "Date"}
#: the name of a heavy ``/api/*`` question's job in a worker process (:mod:`.processes`)
API_JOB = "api"


class _JSON(Response):
    media_type = JSON

    def render(self, content: Any) -> bytes:
        return content if isinstance(content, bytes) else dumps(content)


def _refusal(message: str) -> Response:
    status, body, headers = _refused(message)
    return _JSON(body, status, headers=headers)


def api_routes(
    snapshots: Snapshots,
    schema: Any,
    *,
    tokens: Mapping[str, str] | None = None,
    saved: Sequence[SavedQuery] = (),
    access: Callable[[Any], GraphAccess] | None = None,
    workers: Workers | None = None,
    questions: Questions | None = None,
) -> list[BaseRoute]:
    """The ``/api/*`` routes and ``/graphql/saved/{name}``, over ``snapshots``, run on ``workers``.

    ``questions`` answers the ``/api/*`` routes (default: one over ``snapshots`` and
    ``workers``; the app passes the one its :class:`Lookups` fast path shares).
    """
    from .app import is_loopback

    pool = workers if workers is not None else Workers()
    allowed = dict(tokens or {})
    by_name = {q.name: _Prepared(q) for q in saved}
    questions = questions or Questions(snapshots, pool, tokens=allowed)

    def caller(request: Request) -> tuple[str | None, bool]:
        client = request.client.host if request.client else None
        return role_of(allowed, request.headers.get("authorization")), is_loopback(client)

    def question(view: str) -> Callable[[Request], Any]:
        async def handle(request: Request) -> Response:
            client = request.client.host if request.client else None
            status, body, headers = await questions.ask(
                view,
                request.query_params.multi_items(),
                request.headers.get("authorization"),
                client,
            )
            return _JSON(body, status, headers=headers)

        return handle

    async def run_saved(request: Request) -> Response:
        name = request.path_params["name"]
        prepared = by_name.get(name)
        if prepared is None:
            known = ", ".join(sorted(by_name)) or "none"
            return _JSON(
                {"errors": [{"message": f"没有名为 {name!r} 的保存查询；可用：{known}"}]}, 404
            )
        role, near = caller(request)
        if not near and role is None:
            return _refusal(
                "从其他主机读取需要令牌 (reading from another host needs a bearer token)"
            )
        try:
            variables = await prepared.variables(request)
        except UsageError as exc:
            return _JSON({"errors": [{"message": str(exc)}]}, 400)
        limit = config.current().max_text_chars
        long = text_too_long(variables, limit)
        if long is not None:
            return refusal(400, "BAD_INPUT", too_long_message(*long, limit))

        lang = lang_of(request.headers)
        # a read on the whole graph in memory is kept, as the /api/* answers are, by what
        # it depends on: the variables, the caller (role, host, language) and today's date
        # (the default asOf); not while the tables answer (the operation reads the last
        # whole graph then), nor one that reads the store itself
        snap = snapshots.on_loop()
        key: Hashable | None = None
        if prepared.kept and isinstance(snap.reader, DutyGraph):
            key = (
                "saved",
                name,
                orjson.dumps(variables, option=orjson.OPT_SORT_KEYS),
                role,
                near,
                lang,
                dt.date.today().isoformat(),
            )
            body = snap.answers.get(key)
            if body is not None:
                return _JSON(body)

        from .context import make_context
        from .loaders import GraphAccess

        async def execute(graph: DutyGraph) -> Any:
            context = make_context(
                snapshots.store,
                role=role,
                loopback=near,
                access=access or GraphAccess,
                graph=graph,
                lang=lang,
            )
            try:
                return await schema.execute(
                    prepared.query.query, variable_values=variables, context_value=context
                )
            finally:
                release(context)

        from .view import graphql_job

        remote = graphql_job(prepared.query.query, variables, None, role, near, lang)
        try:
            result = await on_snapshot(pool, snapshots, prepared.lane, execute, remote)
        except TimedOut as exc:
            return refusal(504, "TIMEOUT", str(exc))
        out: dict[str, Any] = {"data": result.data}
        if result.errors:
            out["errors"] = [e.formatted for e in result.errors]
        encoded = dumps(out)
        if key is not None and not result.errors:
            snap.remember(key, encoded)
        return _JSON(encoded)

    routes: list[BaseRoute] = [Route(f"/api/{view}", question(view)) for view in _PARAMS]
    routes.append(Route("/graphql/saved/{name}", run_saved, methods=["GET", "POST"]))
    return routes


Reply = tuple[int, bytes, dict[str, str]]  # status, JSON body, headers beyond the content type


class Questions:
    """The ``/api/*`` questions over the server's snapshot: who may ask, the answer, its status.

    One object answers both ways in: the Starlette routes (:func:`api_routes`) and
    the raw ASGI fast path (:class:`Lookups`), so both give the same bytes, the
    same errors and the same status codes. A who-leads or who-assists on the
    whole graph in memory (tens of microseconds) is answered on the event loop
    itself; anything else — the same on the store's tables while the whole graph
    is read, a scan, an assignment — on a worker (:mod:`.workers`), within the
    time limit.
    """

    def __init__(
        self, snapshots: Snapshots, workers: Workers, *, tokens: Mapping[str, str] | None = None
    ) -> None:
        self.snapshots = snapshots
        self.workers = workers
        self.tokens = dict(tokens or {})
        if workers.processes is not None:  # the scans' job, inherited by each forked worker
            workers.processes.register(API_JOB, _api_in_worker)

    async def ask(
        self,
        view: str,
        items: Sequence[tuple[str, str]],
        authorization: str | None,
        client: str | None,
    ) -> Reply:
        """The reply to ``GET /api/VIEW`` with the query string's ``items`` (in order)."""
        from .app import is_loopback

        if not is_loopback(client) and role_of(self.tokens, authorization) is None:
            return _refused(
                "从其他主机读取需要令牌：发送 'Authorization: Bearer <token>' (token needed)"
            )
        limit = config.current().max_text_chars
        p: dict[str, str] = {}
        for name, value in items:
            if len(value) > limit:
                return 400, dumps({"error": too_long_message(name, len(value), limit)}), {}
            p[name] = value  # the last of a repeated parameter, as Starlette's get
        as_of = p.get("asOf") or p.get("as_of") or dt.date.today().isoformat()
        args: dict[str, Any] = {k: (p.get(k) or "").strip() or None for k in _PARAMS[view]}
        if view in SCANS:
            args["kinds"] = tuple(v for k, v in items if k == "kind")
        if view == "assign":
            args["description"] = args["description"] or ""
            args["behaviors"] = tuple(v for k, v in items if k == "behavior")
        key = (view, as_of, *sorted(args.items()))
        snap = self.snapshots.on_loop()
        body = snap.answers.get(key)
        if body is None:
            try:
                if view in _LOOKUPS and isinstance(snap.reader, DutyGraph):
                    _check_date(as_of)  # in memory: quicker than the hop to a worker
                    keep, body = True, dumps(answer(snap.reader, view, as_of=as_of, **args))
                else:
                    status, keep, body = await self._on_worker(snap, view, as_of, args)
                    if status != 200:  # (a worker process's refusal)
                        return status, body, {}
            except DutyGraphError as exc:
                return _failed(exc)
            except TimedOut as exc:
                return 504, dumps({"error": str(exc)}), {}
            if keep:
                snap.remember(key, body)
        # which state answered: the whole graph in memory, or the store's tables meanwhile
        return 200, body, {"x-dutygraph-reader": _kind(snap.reader)}

    async def _on_worker(
        self, snap: Snapshot, view: str, as_of: str, args: dict[str, Any]
    ) -> tuple[int, bool, bytes]:
        """``(status, keep, body)`` from a worker thread or process: whether the answer is
        of ``snap``'s state (to keep), and a worker process's status (a failure's too)."""
        snapshots, pool = self.snapshots, self.workers

        def work() -> tuple[int, bool, bytes]:
            # a scan reads everything: the whole graph (the shared one, read once)
            stamp, g = snapshots.whole() if view in SCANS else (snap.stamp, snap.reader)
            _check_date(as_of)
            # an answer from the state before a write is not kept for the state after
            return 200, stamp == snap.stamp, dumps(answer(g, view, as_of=as_of, **args))

        timeout = config.current().request_timeout
        job = (view, as_of, args)
        if view not in _LOOKUPS and pool.remote(job):  # in a worker process
            stamp, status, body = await pool.run_remote(API_JOB, job, timeout=timeout)
            return status, stamp == snap.stamp, body
        lane = "light" if view in _LOOKUPS else "heavy"
        return await pool.run(lane, work, timeout=timeout)


class Lookups:
    """Raw ASGI in front of the app: ``GET /api/lead`` and ``/api/assist``, without Starlette.

    The hot questions skip the middleware stack, the router and the request and
    response objects: the query string is parsed once and the reply is
    :meth:`Questions.ask`'s, sent as it is (the same bytes, errors and status codes
    as the routes). Anything else — another path or method, a request with a body,
    a Host header not plainly allowed — goes to ``app`` unchanged, which answers
    or refuses it as before.
    """

    def __init__(
        self, app: Any, questions: Questions, allowed_hosts: Sequence[str] | None = None
    ) -> None:
        self.app = app
        self.questions = questions
        hosts = None if not allowed_hosts or "*" in allowed_hosts else allowed_hosts
        #: the Host names taken here (``None``: any); wildcards are left to the app
        self.hosts = None if hosts is None else {h.lower() for h in hosts if "*" not in h}
        self.paths = {f"/api/{view}": view for view in _LOOKUPS}

    def takes(self, scope: Mapping[str, Any]) -> str | None:
        """The question ``scope`` asks, if this fast path answers it."""
        if scope["type"] != "http" or scope["method"] != "GET":
            return None
        view = self.paths.get(scope["path"])
        if view is None:
            return None
        for name, value in scope["headers"]:
            if name in (b"content-length", b"transfer-encoding") and value not in (b"0", b""):
                return None  # a body: the body limit decides first
            if name == b"host" and self.hosts is not None and _host(value) not in self.hosts:
                return None
        return view

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        view = self.takes(scope)
        if view is None:
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        authorization = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                authorization = value.decode("latin-1")
                break
        client = scope.get("client")
        status, body, headers = await self.questions.ask(
            view,
            parse_qsl(query, keep_blank_values=True),
            authorization,
            client[0] if client else None,
        )
        raw = [
            (b"content-length", str(len(body)).encode()),
            (b"content-type", JSON.encode()),
            *((k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()),
        ]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})


def _host(value: bytes) -> str:
    """The name in a Host header: ``127.0.0.1:8000`` → ``127.0.0.1``, ``[::1]:80`` → ``[::1]``."""
    host = value.decode("latin-1").lower()
    if host.startswith("["):
        return host.partition("]")[0] + "]"
    return host.partition(":")[0]


def _refused(message: str) -> Reply:
    return 401, dumps({"error": message}), {"WWW-Authenticate": 'Bearer realm="dutygraph"'}


def _failed(exc: DutyGraphError) -> Reply:
    return 404 if isinstance(exc, NotFound) else 400, dumps({"error": str(exc)}), {}


def _api_in_worker(
    stamp: Any, graph: DutyGraph, view: str, as_of: str, args: dict[str, Any]
) -> tuple[Any, int, bytes]:
    """A heavy ``/api/*`` question in a worker process (:mod:`.processes`): (stamp, status, body)."""
    try:
        _check_date(as_of)
        return stamp, 200, dumps(answer(graph, view, as_of=as_of, **args))
    except DutyGraphError as exc:
        return stamp, 404 if isinstance(exc, NotFound) else 400, dumps({"error": str(exc)})


def _kind(reader: Any) -> str:
    return "graph" if isinstance(reader, DutyGraph) else "tables"


def _check_date(value: str) -> None:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"日期 {value!r} 无效，请写作 YYYY-MM-DD (asOf is not a date)") from None


class _Prepared:
    """A saved operation with what its variables are: text, or JSON, from a query string."""

    def __init__(self, q: SavedQuery) -> None:
        self.query = q
        doc = parse(q.query)
        self.lane = lane_of(q.query, None)
        #: its answers may be kept per snapshot: a light read of the snapshot alone
        self.kept = self.lane == "light" and not reads_store(q.query, None)
        self.text_vars: set[str] = set()
        self.all_vars: set[str] = set()
        for op in doc.definitions:
            if isinstance(op, OperationDefinitionNode):
                for v in op.variable_definitions or ():
                    t = v.type.type if isinstance(v.type, NonNullTypeNode) else v.type
                    self.all_vars.add(v.variable.name.value)
                    if isinstance(t, NamedTypeNode) and t.name.value in _TEXT_TYPES:
                        self.text_vars.add(v.variable.name.value)

    async def variables(self, request: Request) -> dict[str, Any]:
        if request.method == "POST":
            try:
                body = orjson.loads(await request.body() or b"{}")
            except orjson.JSONDecodeError as exc:
                raise UsageError(f"请求体不是 JSON (the body is not JSON: {exc})") from None
            if not isinstance(body, dict):
                raise UsageError('请求体应为 {"variables": {...}} (the body must be an object)')
            found = body.get("variables", {})
            if not isinstance(found, dict):
                raise UsageError("variables 应为对象 (variables must be an object)")
            return found
        out: dict[str, Any] = {}
        for key, value in request.query_params.items():
            if key not in self.all_vars:
                raise UsageError(
                    f"保存查询 {self.query.name} 没有变量 {key!r}；可用："
                    f"{', '.join(sorted(self.all_vars))} (unknown variable)"
                )
            if key in self.text_vars:
                out[key] = value
            else:
                try:
                    out[key] = orjson.loads(value)
                except orjson.JSONDecodeError:
                    raise UsageError(f"变量 {key} 的值不是 JSON (not JSON: {value!r})") from None
        return out
