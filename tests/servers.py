"""Servers and a browser for tests: an ASGI app under uvicorn, a headless Chromium page.

Usage::

    with serve_asgi(app) as base_url:  # e.g. "http://127.0.0.1:41234"
        urllib.request.urlopen(base_url + "/graphql")

The explorer tests open pages with :class:`Visit` (the ``visit`` fixture of
``conftest.py``), in the Chromium that :func:`chromium` launches.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


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


# -- a real headless browser for the explorer tests ------------------------------------------

CHROMIUM = "/usr/bin/chromium"
# from NOTES.md; Playwright adds --headless itself and gives every launch a fresh profile
# (it refuses --user-data-dir in launch(); that is what launch_persistent_context is for).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def serve_demo(store: Path, env: dict[str, str]) -> Iterator[tuple[list[str], str]]:
    """``dutygraph serve --demo --port 0`` on ``store``, a process of its own.

    Yields its first two lines (the demo loaded; the URL) and its ``/graphql``
    URL. On exit it is stopped with Ctrl-C, as a person stops it, and must
    stop cleanly: exit 0, "stopped", no traceback.
    """
    command = [sys.executable, "-m", "dutygraph", "serve", "--demo", "--port", "0"]
    with subprocess.Popen(
        [*command, "--store", str(store)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as proc:
        try:
            assert proc.stdout is not None
            lines = [proc.stdout.readline(), proc.stdout.readline()]
            url = re.search(r"at (http://127\.0\.0\.1:\d+/graphql)", lines[1])
            assert url, lines
            yield lines, url.group(1)
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                _, err = proc.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
    assert proc.returncode == 0, err
    assert "stopped" in err and "Traceback" not in err


def importable(module: str) -> bool:
    """Whether ``module`` can be imported here."""
    try:
        __import__(module)
    except ImportError:
        return False
    return True


@contextmanager
def chromium(need: Callable[[bool, str], None]) -> Iterator[Any]:
    """Debian's Chromium, headless under Playwright (``need`` skips, or fails under CI)."""
    need(importable("playwright.sync_api"), "Playwright for Python is not installed")
    need(Path(CHROMIUM).exists(), f"{CHROMIUM} missing: run scripts/install-browser.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


class Visit:
    """A fresh page that records every URL it requests (HTTP and WebSocket)."""

    def __init__(self, browser: Any, **options: Any) -> None:
        # options go to browser.new_context (e.g. viewport=..., locale="zh-CN")
        self.context = browser.new_context(**options)
        self.page = self.context.new_page()
        self.urls: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.urls.append(request.url))
        self.page.on("websocket", lambda ws: self.urls.append(ws.url))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def foreign(self) -> list[str]:
        """Requested URLs that leave 127.0.0.1."""
        return [
            u
            for u in self.urls
            if not u.startswith("data:") and urlsplit(u).hostname != "127.0.0.1"
        ]

    def open_saved_query(self, base_url: str, link: str, query: str) -> None:
        """Open the explorer, click the saved-query link ``link``, wait for ``query`` to load."""
        self.page.goto(f"{base_url}/graphql", wait_until="load")
        self.page.locator(".graphiql-execute-button").wait_for()
        with self.page.expect_navigation():
            self.page.locator("#dutygraph-saved-queries a", has_text=link).click()
        self.page.locator(".graphiql-query-editor", has_text=query).wait_for()

    def run_query_and_read_result(self, expected: str = "你好, dutygraph") -> str:
        self.page.locator(".graphiql-execute-button").click()
        result = self.page.locator(".result-window")
        result.get_by_text(expected).first.wait_for(timeout=15_000)  # it may show more than once
        return result.inner_text()

    def screenshot(self, name: str) -> None:
        """Save the page as ``name`` in $DUTYGRAPH_SCREENSHOTS, when that is set."""
        if os.environ.get("DUTYGRAPH_SCREENSHOTS"):
            out = Path(os.environ["DUTYGRAPH_SCREENSHOTS"])
            out.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(out / name))

    def close(self) -> None:
        self.context.close()


def process_ended(pid: int, wait: float = 10.0) -> bool:
    """Whether process ``pid`` has ended and been reaped (within ``wait`` s)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if not Path(f"/proc/{pid}").exists():
            return True
        time.sleep(0.02)
    return False
