"""Serve an ASGI app with uvicorn on 127.0.0.1 in a background thread, for tests.

Usage::

    with serve_asgi(app) as base_url:  # e.g. "http://127.0.0.1:41234"
        urllib.request.urlopen(base_url + "/graphql")
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def serve_asgi(app: Any, *, timeout: float = 10.0, **config: Any) -> Iterator[str]:
    """Run ``app`` under uvicorn on a free port of 127.0.0.1; yield its base URL.

    ``config`` goes to ``uvicorn.Config`` (defaults: ``log_level="warning"``,
    ``lifespan="auto"``). The server is stopped and its thread joined on exit.
    """
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # accepted sockets inherit it
    sock.bind(("127.0.0.1", 0))
    host, port = sock.getsockname()
    config.setdefault("log_level", "warning")
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, **config))
    failure: list[BaseException] = []

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # reported to the caller below
            failure.append(exc)

    thread = threading.Thread(target=run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + timeout
        while not server.started:
            if failure or not thread.is_alive():
                raise RuntimeError(f"uvicorn did not start on {host}:{port}") from (
                    failure[0] if failure else None
                )
            if time.monotonic() > deadline:
                raise TimeoutError(f"uvicorn did not start on {host}:{port} within {timeout}s")
            time.sleep(0.02)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()
        if failure:
            raise RuntimeError("uvicorn failed while serving") from failure[0]
