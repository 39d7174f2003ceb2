"""The ASGI app: ``/`` (the explorer), ``/graphql`` (API and GraphiQL), ``/static/*``, ``/schema.graphql``.

* ``GET /`` is the explorer for policy staff (:mod:`dutygraph.api.explorer_app`):
  the four questions in Chinese, each answer drawn, with its JSON routes
  under ``/explorer/``.

* ``POST /graphql`` (and ``GET /graphql?query=...`` for queries) runs an
  operation on **one snapshot** of the store: the server's shared one
  (:mod:`dutygraph.api.state`), current as of the store's ``stamp()``, so no
  request opens the store.
* ``GET /api/lead`` · ``assist`` · ``gaps`` · ``conflicts`` · ``inspections`` ·
  ``assign`` answer with exactly the CLI's ``--json``, and
  ``/graphql/saved/NAME`` runs a saved operation by name
  (:mod:`dutygraph.api.routes`): the fast paths; ``GET /api/lead`` and
  ``/api/assist`` are taken before Starlette's middleware and router
  (:class:`~dutygraph.api.routes.Lookups`).
* ``GET /graphql`` from a browser renders the vendored GraphiQL IDE
  (:mod:`dutygraph.api.explorer`) with the saved operations of ``queries/``
  one click away; it opens on the first one, ready to run.
* ``/static/*`` serves the vendored assets; the page loads nothing else.
* ``GET /schema.graphql`` is the SDL, for tools.

Access (:mod:`dutygraph.api.auth`): an operation from this machine may read
without a token; from anywhere else it needs a valid bearer token (any role).
Mutations always need a token whose role grants them.

>>> import tempfile, os
>>> from dutygraph.store import EmbeddedStore
>>> app = create_app(EmbeddedStore(os.path.join(tempfile.mkdtemp(), "doc.db")))
>>> sorted(r.path for r in app.routes)
['/', '/api/assign', '/api/assist', '/api/conflicts', '/api/gaps', '/api/inspections', '/api/lead', '/explorer/article', '/explorer/assign', '/explorer/assist', '/explorer/conflicts', '/explorer/disputes', '/explorer/gaps', '/explorer/lead', '/explorer/suggest', '/explorer/whatif', '/explorer/whatif', '/graphql', '/graphql/saved/{name}', '/schema.graphql', '/static']
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import ipaddress
import logging
import threading
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from .. import config
from ..graph import DutyGraph
from ..store.base import Store
from .explorer import static_files
from .explorer_app import explorer_routes
from .guard import BodyLimit, quiet_user_errors, refusal
from .routes import Lookups, Questions, api_routes
from .saved import SavedQuery, default_queries_dir, load_saved
from .state import Snapshots, SnapshotStore
from .workers import Workers

if TYPE_CHECKING:  # strawberry's side: imported by _build_graphql, in the background for serve
    from .loaders import GraphAccess
    from .view import View

__all__ = ["LOOPBACK_HOSTS", "create_app", "is_loopback"]

log = logging.getLogger("dutygraph.api")

#: Host header values accepted when serving on loopback (DNS-rebinding guard)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


@functools.lru_cache(maxsize=1024)  # asked per request, of a few client addresses
def is_loopback(host: str | None) -> bool:
    """Whether ``host`` (an address or ``localhost``) is this machine.

    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("localhost"), is_loopback("10.0.0.2")
    (True, True, True, False)
    """
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def create_app(
    store: Store,
    *,
    tokens: Mapping[str, str] | None = None,
    explorer: bool = True,
    queries: str | Path | Sequence[SavedQuery] | None = None,
    max_depth: int | None = None,
    max_tokens: int | None = None,
    max_aliases: int | None = None,
    allowed_hosts: Sequence[str] | None = None,
    access: Callable[[DutyGraph], GraphAccess] | None = None,
    background: bool = False,
) -> Starlette:
    """The ASGI app serving ``store``'s graph over GraphQL, with its explorer.

    Parameters
    ----------
    store : Store
        Read through one shared snapshot (a new one after each write); mutations write to it.
    tokens : mapping token -> role, optional
        Bearer tokens (see :func:`dutygraph.api.auth.load_tokens`); none: no mutation is allowed.
    explorer : bool
        Serve the GraphiQL explorer on ``GET /graphql``.
    queries : folder or saved queries, optional
        The saved operations the explorer lists (default: the checkout's ``queries/``).
    max_depth, max_tokens, max_aliases : int, optional
        Limits on one operation (default: :data:`dutygraph.api.schema.DEFAULT_LIMITS`).
    allowed_hosts : Host header values to accept (e.g. :data:`LOOPBACK_HOSTS`); default any.
    access : the batched accessor class (a counting one in tests).
    background : build the GraphQL side (strawberry's import, the schema, GraphiQL's page) in
        a background thread, so the app answers ``/api/*`` and the explorer at once
        (``serve``); a request to ``/graphql``, ``/graphql/saved/*`` or ``/schema.graphql``
        that comes first waits for it. ``False``: built now, before this returns.
    """
    if queries is None:
        saved = load_saved(default_queries_dir())
    elif isinstance(queries, (str, Path)):
        saved = load_saved(queries)
    else:
        saved = list(queries)
    snapshots = Snapshots(store)  # one state for every request, the store's newest
    # analyses off the event loop (and, in worker processes, off its interpreter lock), each
    # with the request_timeout limit; the processes are forked over each whole graph read
    workers = Workers(processes=config.current().analysis_processes)
    if workers.processes is not None:
        snapshots.on_swap.append(workers.processes.offer)
    quiet_user_errors()  # a user's mistake is one log line, not a traceback
    limits = {"max_depth": max_depth, "max_tokens": max_tokens, "max_aliases": max_aliases}

    def build() -> _GraphQL:
        return _build_graphql(
            store, tokens or {}, saved, explorer, limits, access, snapshots, workers
        )

    graphql = _Later(build, background)

    async def schema_sdl(request: Request) -> Response:
        try:
            text = (await graphql.get()).sdl
        except Exception as exc:
            return _unavailable(exc)
        return PlainTextResponse(text, media_type="application/graphql; charset=utf-8")

    async def home(request: Request) -> RedirectResponse:
        return RedirectResponse("/graphql")

    front: list[BaseRoute] = [Route("/", home)]
    if explorer:  # the explorer for people at /, GraphiQL for analysts at /graphql
        front = explorer_routes(
            SnapshotStore(store, snapshots), tokens=tokens or {}, saved=saved, workers=workers
        )
    questions = Questions(snapshots, workers, tokens=tokens)
    fast = api_routes(
        snapshots,
        _LaterSchema(graphql),
        tokens=tokens,
        saved=saved,
        access=access,
        workers=workers,
        questions=questions,
    )
    middleware = [Middleware(BodyLimit)]  # outermost: a flood is refused before anything reads it
    if allowed_hosts:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)))
    app = _Served(
        routes=[
            *front,
            *[graphql.waiting(r) for r in fast],
            Route("/graphql", _View(graphql), methods=["GET", "POST"]),
            Route("/schema.graphql", schema_sdl),
            Mount("/static", StaticFiles(directory=static_files()), name="static"),
        ],
        middleware=middleware,
        lifespan=lambda app: _closing(workers),
    )
    app.state.snapshots, app.state.workers = snapshots, workers  # (tests, benchmarks)
    app.lookups = Lookups(app.through_starlette, questions, allowed_hosts)
    return app


class _Served(Starlette):
    """The app, with the raw who-leads/who-assists path (:class:`~.routes.Lookups`) in front."""

    lookups: Lookups | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.lookups is None:
            await super().__call__(scope, receive, send)
        else:
            await self.lookups(scope, receive, send)

    async def through_starlette(self, scope: Any, receive: Any, send: Any) -> None:
        """Starlette's own handling: middleware, routes (what :class:`Lookups` does not take)."""
        await super().__call__(scope, receive, send)


class _GraphQL:
    """What needs strawberry: the ``/graphql`` view, its schema and the SDL."""

    def __init__(self, view: View, schema: Any, sdl: str) -> None:
        self.view, self.schema, self.sdl = view, schema, sdl


def _build_graphql(
    store: Store,
    tokens: Mapping[str, str],
    saved: Sequence[SavedQuery],
    explorer: bool,
    limits: Mapping[str, int | None],
    access: Callable[[DutyGraph], GraphAccess] | None,
    snapshots: Snapshots,
    workers: Workers,
) -> _GraphQL:
    from .explorer import explorer_html
    from .loaders import GraphAccess
    from .schema import DEFAULT_LIMITS, build_schema, sdl
    from .view import View

    chosen = {k: DEFAULT_LIMITS[k] if v is None else v for k, v in limits.items()}
    schema = build_schema(
        max_depth=chosen["max_depth"],
        max_tokens=chosen["max_tokens"],
        max_aliases=chosen["max_aliases"],
    )
    page = None
    if explorer:
        page = explorer_html(
            static_prefix="/static",
            saved_queries=[q.as_dict() for q in saved],
            default_query=_opening(saved[0]) if saved else None,
        )
    view = View(schema, store, tokens, access or GraphAccess, page, snapshots, workers)
    return _GraphQL(view, schema, sdl(schema))


class _Later:
    """The GraphQL side, built now or in a background thread; requests that need it wait."""

    def __init__(self, build: Callable[[], _GraphQL], background: bool) -> None:
        self._done: concurrent.futures.Future[_GraphQL] = concurrent.futures.Future()
        if not background:
            self._done.set_result(build())  # a failure is the caller's, at once
            return

        def run() -> None:
            try:
                self._done.set_result(build())
            except Exception as exc:  # the plain routes keep answering; /graphql says why
                log.exception("building the GraphQL endpoint failed")
                self._done.set_exception(exc)

        threading.Thread(target=run, name="dutygraph-graphql", daemon=True).start()

    async def get(self) -> _GraphQL:
        """The built side (waits for the background build, never blocking the event loop)."""
        if self._done.done():
            return self._done.result()
        return await asyncio.wrap_future(self._done)

    def waiting(self, route: BaseRoute) -> BaseRoute:
        """``route`` if it needs no GraphQL; else the same route, answering once it is built."""
        if not isinstance(route, Route) or not route.path.startswith("/graphql"):
            return route
        endpoint = route.endpoint

        async def answer(request: Request) -> Response:
            try:
                await self.get()
            except Exception as exc:
                return _unavailable(exc)
            return await endpoint(request)  # type: ignore[no-any-return]

        return Route(route.path, answer, methods=route.methods, name=route.name)


class _LaterSchema:
    """The schema the saved operations run on, once built (see :class:`_Later`)."""

    def __init__(self, later: _Later) -> None:
        self._later = later

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        return await (await self._later.get()).schema.execute(*args, **kwargs)


class _View:
    """``/graphql``: strawberry's view (:class:`dutygraph.api.view.View`), once built."""

    def __init__(self, later: _Later) -> None:
        self._later = later

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            built = await self._later.get()
        except Exception as exc:
            await _unavailable(exc)(scope, receive, send)
            return
        await built.view(scope, receive, send)


def _unavailable(exc: Exception) -> Response:
    return refusal(
        503,
        "UNAVAILABLE",
        f"GraphQL 接口未能启动，/api/* 仍可用；详见服务器日志 "
        f"(the GraphQL endpoint failed to start: {type(exc).__name__}: {exc})",
    )


@asynccontextmanager
async def _closing(workers: Workers) -> AsyncIterator[None]:
    """The app's lifespan: its worker threads end with it."""
    try:
        yield
    finally:
        workers.close()


def _opening(q: SavedQuery) -> str:
    """The first saved operation, commented, with its demo values as defaults: one click runs it."""
    return (
        f"# {q.title}\n"
        "# Press the ▶ button (or Ctrl-Enter) to run it; more examples are in the panel.\n"
        f"{q.with_defaults()}\n"
    )
