"""``dutygraph serve``: the GraphQL API and its offline explorer, on 127.0.0.1:8000 by default.

Reading is open to this machine; mutations need a bearer token from
``DUTYGRAPH_TOKENS`` or ``DUTYGRAPH_TOKENS_FILE``. Serving on any other
address without tokens is refused (exit 2): the data would be open to the
network with nobody accountable for changes.
"""

from __future__ import annotations

import argparse
import socket
import sys

from ..errors import UsageError
from .common import store_from, store_options

HELP = "serve the GraphQL API and its explorer (default http://127.0.0.1:8000/graphql)"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "serve",
        help=HELP,
        description=HELP + ". Tokens for mutations (and for reading from other hosts) come "
        "from DUTYGRAPH_TOKENS='token:role,...' or the file DUTYGRAPH_TOKENS_FILE; roles: "
        "viewer, coordinator, loader.",
        parents=[store_options()],
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any free port)")
    p.add_argument(
        "--demo",
        action="store_true",
        help="load the bundled demo data first when the store is empty",
    )
    p.add_argument(
        "--no-explorer", action="store_true", help="serve the API only, without the explorer"
    )
    p.add_argument("--queries", metavar="DIR", help="folder of saved *.graphql examples")
    p.set_defaults(func=run)


def check_exposure(host: str, tokens: dict[str, str]) -> None:
    """Refuse to serve beyond this machine without tokens (a :class:`UsageError`, exit 2).

    >>> check_exposure("127.0.0.1", {})
    >>> check_exposure("0.0.0.0", {})
    Traceback (most recent call last):
    ...
    dutygraph.errors.UsageError: refusing to serve on 0.0.0.0 without tokens: anyone who can reach it could read and nobody could be held to account; set DUTYGRAPH_TOKENS='token:role,...' (or DUTYGRAPH_TOKENS_FILE) or serve on 127.0.0.1
    """
    from ..api.app import is_loopback

    if not is_loopback(host) and not tokens:
        raise UsageError(
            f"refusing to serve on {host} without tokens: anyone who can reach it could read "
            "and nobody could be held to account; set DUTYGRAPH_TOKENS='token:role,...' "
            "(or DUTYGRAPH_TOKENS_FILE) or serve on 127.0.0.1"
        )


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from ..api.app import LOOPBACK_HOSTS, create_app, is_loopback
        from ..api.auth import load_tokens
    except ModuleNotFoundError as exc:
        raise UsageError(
            f"serving needs the api extra ({exc.name} is missing): pip install 'dutygraph[api]'"
        ) from None
    tokens = load_tokens()
    check_exposure(args.host, tokens)
    store = store_from(args)
    if args.demo and not len(store.reader().regions):  # a count, not a read of everything
        from ..fixtures import DEMO_PATH
        from ..importer import load

        load(store, [DEMO_PATH])
        print(f"loaded the demo data into {store.url}", flush=True)
    app = create_app(
        store,
        tokens=tokens,
        explorer=not args.no_explorer,
        queries=args.queries,
        allowed_hosts=LOOPBACK_HOSTS if is_loopback(args.host) else None,
        background=True,  # listen, and answer /api/* and the explorer, before strawberry loads
    )
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level="warning")
    server = uvicorn.Server(config)
    config.load()
    sock = config.bind_socket()
    # without it, a response's head and body wait on the client's delayed ACK: ~40 ms each
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # accepted sockets inherit it
    port = sock.getsockname()[1]
    shown = f"[{args.host}]" if ":" in args.host else args.host
    roles = ", ".join(sorted(set(tokens.values()))) or "none (read only)"
    print(
        f"dutygraph: serving {store.url} at http://{shown}:{port}/graphql "
        f"(token roles: {roles}; Ctrl-C stops)",
        flush=True,
    )
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a server is stopped: uvicorn has shut down cleanly
    finally:
        sock.close()
    print("dutygraph: stopped", file=sys.stderr)
    return 0
