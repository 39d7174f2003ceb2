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

Both read the server's shared snapshot (:mod:`dutygraph.api.state`): no
request opens the store, and on one state of the store the same question is
answered once, then sent again from memory (encoded).

Reading follows the GraphQL endpoint's rule: from this machine without a
token, from elsewhere with a valid bearer token.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

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
from .state import Snapshots
from .workers import TimedOut, Workers, lane_of, on_snapshot, release

if TYPE_CHECKING:  # strawberry's: imported when a saved operation first runs, not to listen
    from .loaders import GraphAccess

__all__ = ["JSON", "api_routes"]

JSON = "application/json"

#: the questions served under /api/, and the parameters each reads
_PARAMS: dict[str, tuple[str, ...]] = {
    "lead": ("item", "region"),
    "assist": ("item", "region"),
    **{scan: ("region",) for scan in SCANS},
    "assign": ("name", "description", "region"),
}
#: GraphQL variable types sent as text from a query string (the others are read as JSON)
_TEXT_TYPES = {"String", "ID", "Date"}
#: the name of a heavy ``/api/*`` question's job in a worker process (:mod:`.processes`)
API_JOB = "api"


class _JSON(Response):
    media_type = JSON

    def render(self, content: Any) -> bytes:
        return content if isinstance(content, bytes) else dumps(content)


def _error(exc: Exception) -> Response:
    status = 404 if isinstance(exc, NotFound) else 400
    return _JSON({"error": str(exc)}, status_code=status)


def _refusal(message: str) -> Response:
    return _JSON(
        {"error": message},
        status_code=401,
        headers={"WWW-Authenticate": 'Bearer realm="dutygraph"'},
    )


def api_routes(
    snapshots: Snapshots,
    schema: Any,
    *,
    tokens: Mapping[str, str] | None = None,
    saved: Sequence[SavedQuery] = (),
    access: Callable[[Any], GraphAccess] | None = None,
    workers: Workers | None = None,
) -> list[BaseRoute]:
    """The ``/api/*`` routes and ``/graphql/saved/{name}``, over ``snapshots``, run on ``workers``."""
    from .app import is_loopback

    pool = workers if workers is not None else Workers()
    if pool.processes is not None:  # the scans' job, inherited by each forked worker
        pool.processes.register(API_JOB, _api_in_worker)

    allowed = dict(tokens or {})
    by_name = {q.name: _Prepared(q) for q in saved}

    def caller(request: Request) -> tuple[str | None, bool]:
        client = request.client.host if request.client else None
        return role_of(allowed, request.headers.get("authorization")), is_loopback(client)

    def refused(request: Request) -> Response | None:
        role, near = caller(request)
        if near or role is not None:
            return None
        return _refusal(
            "从其他主机读取需要令牌：发送 'Authorization: Bearer <token>' (token needed)"
        )

    def question(view: str) -> Callable[[Request], Any]:
        wanted = _PARAMS[view]

        async def handle(request: Request) -> Response:
            refusal = refused(request)
            if refusal is not None:
                return refusal
            p = request.query_params
            limit = config.current().max_text_chars
            for name, value in p.multi_items():
                if len(value) > limit:
                    return _JSON({"error": too_long_message(name, len(value), limit)}, 400)
            as_of = p.get("asOf") or p.get("as_of") or dt.date.today().isoformat()
            args: dict[str, Any] = {k: (p.get(k) or "").strip() or None for k in wanted}
            if view in SCANS:
                args["kinds"] = tuple(p.getlist("kind"))
            if view == "assign":
                args["description"] = args["description"] or ""
                args["behaviors"] = tuple(p.getlist("behavior"))
            key = (view, as_of, *sorted(args.items()))
            snap = snapshots.current()
            body = snap.answers.get(key)
            if body is None:

                def work() -> tuple[bool, bytes]:
                    # a scan reads everything: the whole graph (the shared one, read once)
                    stamp, g = snapshots.whole() if view in SCANS else (snap.stamp, snap.reader)
                    _check_date(as_of)
                    # an answer from the state before a write is not kept for the state after
                    return stamp == snap.stamp, dumps(answer(g, view, as_of=as_of, **args))

                lane = "light" if view in ("lead", "assist") else "heavy"
                job = (view, as_of, args)
                try:
                    if lane == "heavy" and pool.remote(job):  # in a worker process
                        stamp, status, body = await pool.run_remote(
                            API_JOB, job, timeout=config.current().request_timeout
                        )
                        if status != 200:
                            return _JSON(body, status)
                        keep = stamp == snap.stamp
                    else:
                        keep, body = await pool.run(
                            lane, work, timeout=config.current().request_timeout
                        )
                except DutyGraphError as exc:
                    return _error(exc)
                except TimedOut as exc:
                    return _JSON({"error": str(exc)}, 504)
                if keep:
                    snap.remember(key, body)
            # which state answered: the whole graph in memory, or the store's tables meanwhile
            return _JSON(body, headers={"x-dutygraph-reader": _kind(snap.reader)})

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

        from .context import make_context
        from .loaders import GraphAccess

        async def execute(graph: DutyGraph) -> Any:
            context = make_context(
                snapshots.store,
                role=role,
                loopback=near,
                access=access or GraphAccess,
                graph=graph,
                lang=lang_of(request.headers),
            )
            try:
                return await schema.execute(
                    prepared.query.query, variable_values=variables, context_value=context
                )
            finally:
                release(context)

        from .view import graphql_job

        remote = graphql_job(
            prepared.query.query, variables, None, role, near, lang_of(request.headers)
        )
        try:
            result = await on_snapshot(pool, snapshots, prepared.lane, execute, remote)
        except TimedOut as exc:
            return refusal(504, "TIMEOUT", str(exc))
        out: dict[str, Any] = {"data": result.data}
        if result.errors:
            out["errors"] = [e.formatted for e in result.errors]
        return _JSON(out)

    routes: list[BaseRoute] = [Route(f"/api/{view}", question(view)) for view in _PARAMS]
    routes.append(Route("/graphql/saved/{name}", run_saved, methods=["GET", "POST"]))
    return routes


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
