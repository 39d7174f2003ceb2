"""What every request meets before any route: a body-size limit, and a log that tells user errors apart.

* :class:`BodyLimit` (ASGI middleware): a request body over the
  ``max_body_bytes`` setting is refused with **413** and a Chinese message,
  whether it announces its length (``Content-Length``: refused before a byte
  is read) or streams it (counted as it arrives).
* :func:`refusal`: the JSON every refusal of the HTTP layer answers with,
  GraphQL-shaped — ``{"errors": [{"message": …, "extensions": {"code": …}}]}``.
* :func:`text_too_long`: the first string in a value (GraphQL variables, a
  query's literals) longer than the ``max_text_chars`` setting, located.
* :class:`UserErrorsQuiet` (a logging filter on ``strawberry.execution``): an
  error the user caused (a :class:`~dutygraph.errors.DutyGraphError`, a
  query that does not validate, a refused permission) is logged as one
  line at INFO, without a traceback; a traceback is logged only for a real
  internal error.

>>> text_too_long({"text": "x" * 5, "region": "锦江区"}, 4)
('$text', 5)
>>> text_too_long({"input": {"names": ["ok", "y" * 9]}}, 4)
('$input.names[1]', 9)
>>> text_too_long({"text": "short"}, 10) is None
True
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, StringValueNode, parse, visit
from graphql.language import Visitor
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import config
from ..errors import DutyGraphError
from ..serialize import dumps
from .workers import Interrupted

__all__ = ["BodyLimit", "UserErrorsQuiet", "literal_too_long", "refusal", "text_too_long"]

log = logging.getLogger("dutygraph.api")


def refusal(status: int, code: str, message: str, **headers: str) -> Response:
    """A GraphQL-shaped JSON refusal: ``{"errors": [{"message", "extensions": {"code"}}]}``."""
    body = {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}
    return Response(dumps(body), status_code=status, media_type="application/json", headers=headers)


def _too_large(limit: int) -> Response:
    return refusal(
        413,
        "BODY_TOO_LARGE",
        f"请求体超过上限 {limit:,} 字节 (the request body is over the {limit:,}-byte limit, "
        "setting max_body_bytes); send less, e.g. a smaller file, or raise the setting",
    )


class _TooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: a body over ``max_body_bytes`` (read when each request starts) → 413."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit: int = config.current().max_body_bytes
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    announced = int(value)
                except ValueError:
                    announced = 0
                if announced > limit:
                    await _too_large(limit)(scope, receive, send)
                    return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if not started:
                await _too_large(limit)(scope, receive, send)


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, f"{where}[{i}]")


def text_too_long(variables: Any, limit: int) -> tuple[str, int] | None:
    """The first string in ``variables`` over ``limit`` characters: ``($name.path, length)``."""
    if not isinstance(variables, dict):
        return None
    for k, v in variables.items():
        for where, s in _strings(v, f"${k}"):
            if len(s) > limit:
                return where, len(s)
    return None


def literal_too_long(query: str, limit: int) -> tuple[str, int] | None:
    """The first string literal in the GraphQL ``query`` over ``limit`` characters (line:column)."""
    if len(query) <= limit:
        return None
    try:
        doc = parse(query, no_location=False)
    except GraphQLError:
        return None  # the executor reports the syntax error, located
    found: list[tuple[str, int]] = []

    class Find(Visitor):
        def enter_string_value(self, node: StringValueNode, *_: Any) -> Any:
            if len(node.value) > limit and not found:
                where = "?"
                if node.loc is not None:
                    line = query.count("\n", 0, node.loc.start) + 1
                    where = f"line {line}"
                found.append((where, len(node.value)))
            return None

    visit(doc, Find())
    return found[0] if found else None


def too_long_message(where: str, length: int, limit: int) -> str:
    return (
        f"{where}: 文本过长，{length:,} 字符，上限 {limit:,} (the text is {length:,} characters, "
        f"over the {limit:,} limit, setting max_text_chars); shorten it or raise the setting"
    )


class UserErrorsQuiet(logging.Filter):
    """Log an error the user caused as one INFO line, without a traceback (see the module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is None or isinstance(exc, DutyGraphError | Interrupted) or _is_permission(exc):
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info = None
            record.exc_text = None
            return logging.getLogger(record.name).isEnabledFor(logging.INFO)
        return True


def _is_permission(exc: BaseException) -> bool:
    from strawberry.exceptions import StrawberryGraphQLError

    return isinstance(exc, (PermissionError, StrawberryGraphQLError))


def quiet_user_errors() -> None:
    """Install :class:`UserErrorsQuiet` on strawberry's execution logger (once)."""
    logger = logging.getLogger("strawberry.execution")
    if not any(isinstance(f, UserErrorsQuiet) for f in logger.filters):
        logger.addFilter(UserErrorsQuiet())
