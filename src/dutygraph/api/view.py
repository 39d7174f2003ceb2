"""The GraphQL endpoint: strawberry's ASGI view with dutygraph's context, access rule and limits.

Apart from :mod:`.app` so that the app can listen, and answer its plain routes,
before strawberry is imported: ``serve`` builds this in the background
(:func:`dutygraph.api.app.create_app` with ``background=True``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

import orjson
from cross_web import HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from strawberry.asgi import GraphQL
from strawberry.file_uploads.utils import replace_placeholders_with_files
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from .. import config
from ..errors import UsageError
from ..graph import DutyGraph
from ..serialize import dumps
from ..store.base import Store
from .app import is_loopback
from .auth import lang_of, role_of
from .context import Context, make_context
from .guard import literal_too_long, refusal, text_too_long, too_long_message
from .imports import parse_form
from .loaders import GraphAccess
from .processes import without_store
from .state import Snapshots
from .workers import (
    TimedOut,
    Workers,
    lane_of,
    on_snapshot,
    reads_store,
    release,
    run_here,
)

__all__ = ["GRAPHQL_JOB", "View", "carried", "graphql_job", "run_graphql"]

#: the name of a GraphQL operation's job in a worker process (:mod:`.processes`)
GRAPHQL_JOB = "graphql"


class _Caller:
    """Who asks (role, loopback): all ``get_context`` knows; the snapshot is read on a worker."""

    __slots__ = ("lang", "loopback", "role")

    def __init__(self, role: str | None, loopback: bool, lang: str = "zh") -> None:
        self.role = role
        self.loopback = loopback
        self.lang = lang


#: strawberry's own refusals, said in Chinese first (the English is kept beside)
_REASONS = {
    "Unable to parse request body as JSON": "请求体不是有效的 JSON",
    "Batching is not enabled": '不支持批量请求：请求体应为一个对象 {"query": ...}',
    "Unsupported content type": "不支持的内容类型：请用 application/json 或 multipart/form-data",
    "No GraphQL query found in the request": "请求中没有 GraphQL 查询 (query)",
    "Unable to parse the multipart body": "无法解析 multipart 请求体",
    "File(s) missing in form data": "multipart 表单缺少文件",
}


def _chinese(reason: str) -> str:
    for english, chinese in _REASONS.items():
        if reason.startswith(english):
            return f"{chinese} ({reason})"
    return f"请求无效 ({reason})"


class _Refused(Exception):
    """A request the HTTP layer refuses before running it: status, code, message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class View(GraphQL[Context, None]):
    """strawberry's ASGI view with dutygraph's context, access rule, limits and worker lanes."""

    def __init__(
        self,
        schema: Any,
        store: Store,
        tokens: Mapping[str, str],
        access: Callable[[DutyGraph], GraphAccess],
        explorer_page: str | None,
        snapshots: Snapshots,
        workers: Workers,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if explorer_page else None,
            # uploads: whatIf(file:) (#21, reads only) and loadBundle(file:) (#22); a
            # cross-site form cannot carry the bearer token a write needs
            multipart_uploads_enabled=True,
        )
        self.store = store
        self.snapshots = snapshots
        self.workers = workers
        self.tokens = dict(tokens)
        self.access = access
        self.explorer_page = explorer_page
        if workers.processes is not None:  # forked workers inherit the schema and this handler
            workers.processes.register(
                GRAPHQL_JOB,
                functools.partial(run_graphql, self.schema, without_store(self.store), self.access),
            )

    async def get_context(self, request: Any, response: Any) -> Context:
        client = request.client.host if request.client else None
        role = role_of(self.tokens, request.headers.get("authorization"))
        return _Caller(role, is_loopback(client), lang_of(request.headers))  # type: ignore[return-value]

    def decode_json(self, data: str | bytes) -> object:
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise _Refused(
                400, "BAD_REQUEST", f"请求体不是有效的 JSON (the body is not valid JSON: {exc})"
            ) from None
        if not isinstance(value, dict):
            kind = "null" if value is None else type(value).__name__
            raise _Refused(
                400,
                "BAD_REQUEST",
                f'请求体应为 JSON 对象 {{"query": "...", "variables": {{...}}}}，而不是 {kind} '
                f"(the body must be a JSON object, not {kind})",
            )
        return value

    async def parse_multipart(self, request: Any) -> dict[str, Any]:
        """A GraphQL multipart request (an upload for ``loadBundle(file:)``), read with the stdlib."""
        try:
            fields, files = parse_form(
                request.headers.get("content-type", ""), await request.get_body()
            )
        except UsageError as exc:
            raise _Refused(400, "BAD_REQUEST", str(exc)) from None
        operations = self.parse_json(fields.get("operations", "{}"))
        files_map = self.parse_json(fields.get("map", "{}"))
        try:
            return replace_placeholders_with_files(operations, files_map, files)  # type: ignore[arg-type]
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
            raise _Refused(
                400,
                "BAD_REQUEST",
                f"multipart 的 map 与文件或变量不符 (the map does not match the files or the "
                f"variables: {type(exc).__name__} {exc})",
            ) from None

    async def execute_operation(  # type: ignore[override]
        self,
        request: Any,
        request_adapter: Any,
        request_data: Any,
        context: Any,
        root_value: Any,
        sub_response: Any,
    ) -> Any:
        run_operation = super().execute_operation
        caller: _Caller = context
        limit = config.current().max_text_chars
        long = text_too_long(getattr(request_data, "variables", None), limit) or (
            literal_too_long(request_data.query or "", limit)
            if isinstance(getattr(request_data, "query", None), str)
            else None
        )
        if long is not None:
            return _failure(sub_response, 400, "BAD_INPUT", too_long_message(*long, limit))
        lane = lane_of(request_data.query, request_data.operation_name)

        async def execute(graph: DutyGraph) -> Any:
            ctx = make_context(
                self.store,
                role=caller.role,
                loopback=caller.loopback,
                access=self.access,
                graph=graph,
                lang=caller.lang,
            )
            try:
                return await run_operation(
                    request, request_adapter, request_data, ctx, root_value, sub_response
                )
            finally:
                release(ctx)

        remote = graphql_job(
            request_data.query,
            request_data.variables,
            request_data.operation_name,
            caller.role,
            caller.loopback,
            caller.lang,
        )
        try:
            return await on_snapshot(self.workers, self.snapshots, lane, execute, remote)
        except TimedOut as exc:
            return _failure(sub_response, 504, "TIMEOUT", str(exc))

    def encode_json(self, data: object) -> bytes:
        return dumps(data)

    async def render_graphql_ide(self, request: Any) -> HTMLResponse:
        assert self.explorer_page is not None
        return HTMLResponse(self.explorer_page)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        response = self._refusal(request)
        if response is None:
            try:
                response = await self.run(request)
            except _Refused as exc:
                response = refusal(exc.status, exc.code, exc.message)
            except HTTPException as exc:
                response = refusal(exc.status_code, "BAD_REQUEST", _chinese(exc.reason))
        await response(scope, receive, send)

    def _refusal(self, request: Request) -> Response | None:
        """A 401 for an operation from another host without a valid token; else ``None``."""
        client = request.client.host if request.client else None
        if is_loopback(client):
            return None
        if role_of(self.tokens, request.headers.get("authorization")) is not None:
            return None
        if request.method == "GET" and "query" not in request.query_params:
            return None  # the explorer page itself holds no data
        message = (
            "reading from another host needs a bearer token: send "
            "'Authorization: Bearer <token>' (in the explorer: the Headers tab)"
        )
        return JSONResponse(
            {"errors": [{"message": message}]},
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="dutygraph"'},
        )


def run_graphql(
    schema: Any,
    store: Store,
    access: Callable[[DutyGraph], GraphAccess],
    stamp: Any,
    graph: DutyGraph,
    query: str,
    variables: dict[str, Any] | None,
    operation: str | None,
    role: str | None,
    loopback: bool,
    lang: str,
) -> tuple[Any, list[dict[str, Any]], dict[str, Any] | None]:
    """A query on ``graph`` (of state ``stamp``) in a worker process (:mod:`.processes`): its
    data, errors and extensions, what :func:`carried` makes a result of again."""
    ctx = make_context(store, role=role, loopback=loopback, access=access, graph=graph, lang=lang)
    try:
        result = run_here(
            schema.execute(
                query,
                variable_values=variables,
                context_value=ctx,
                operation_name=operation,
                allowed_operation_types={OperationType.QUERY},
            )
        )
    finally:
        release(ctx)
    return result.data, [e.formatted for e in result.errors or ()], result.extensions


class _Carried(GraphQLError):
    """An error of an operation run in a worker process: as it was formatted there."""

    def __init__(self, formatted: dict[str, Any]) -> None:
        super().__init__(str(formatted.get("message", "")))
        self._formatted = formatted

    @property
    def formatted(self) -> Any:  # type: ignore[override]
        return self._formatted


def graphql_job(
    query: str | None, variables: Any, operation: str | None, role: Any, near: bool, lang: str
) -> tuple[str, tuple[Any, ...], Callable[[Any], ExecutionResult]] | None:
    """An operation as the job a worker process runs (:func:`run_graphql` there, its answer
    :func:`carried` here), for :func:`~.workers.on_snapshot`; ``None`` when it reads the
    store (:func:`~.workers.reads_store`: it stays on the server's threads)."""
    if reads_store(query, operation):
        return None
    return GRAPHQL_JOB, (query, variables, operation, role, near, lang), carried


def carried(answer: tuple[Any, list[dict[str, Any]], dict[str, Any] | None]) -> ExecutionResult:
    """The result of an operation run in a worker process (:func:`run_graphql`'s answer)."""
    data, errors, extensions = answer
    return ExecutionResult(
        data=data, errors=[_Carried(e) for e in errors] or None, extensions=extensions
    )


def _failure(sub_response: Any, status: int, code: str, message: str) -> ExecutionResult:
    """An operation refused or stopped by the HTTP layer: a GraphQL error with ``code``, ``status``."""
    sub_response.status_code = status
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": code})])
