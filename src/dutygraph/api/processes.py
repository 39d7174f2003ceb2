"""The heavy lane in worker processes: forked over the server's snapshot, killed past the limit.

Threads take analyses off the event loop (:mod:`.workers`) but not off the
interpreter lock: while a 10k-character ``routeClue`` or a gap scan runs on a
thread, every ``whoLeads`` of the same process waits its turn for the lock.
:class:`Processes` runs the heavy lane's jobs in processes of their own:

* a worker is **forked from the server's state** once the whole graph is
  read, so it starts with that graph in memory — shared with the server page
  by page (copy-on-write; the graph's objects are frozen, ``gc.freeze``, so
  no collection walks and copies them) — and reads nothing itself. The server
  forks one *zygote* per snapshot, and the zygote forks the workers: a fork
  holds the forking process still while its page tables are copied, so the
  server pays that once per snapshot whatever the number of workers;
* after a write the server's snapshot is swapped (:class:`.state.Snapshots`).
  A write that leaves the graph's indexes alone (a dispute, a basis: the new
  graph is the old one ``with_changes``, :meth:`~dutygraph.graph.DutyGraph.changes_since`)
  is sent to the workers as its change set, and each applies it before its
  next job: no fork, and what the analyses cached on the graph stays warm.
  After any other write (or :data:`MAX_CHANGES` of those) the workers of the
  old state finish the job they run, then end, and new ones are forked over
  the new state. Either way no worker answers from a state older than the
  thread lane would, and an old graph is held only while a job on it runs;
* the workers run at a lower CPU priority (:data:`WORKER_NICE`): on a busy
  machine the server's lookups come first;
* a job past its time limit is **killed** (``SIGKILL``, nothing to unwind:
  code inside one C call is stopped too) and its worker replaced;
* a job is a *name* and its arguments (:meth:`Processes.register`): the
  handler, like the graph, is what the worker inherited when forked. The
  answer comes back pickled (plain values: a GraphQL result's data and
  errors, a JSON body).

Light reads stay in the server's process, on its threads: a lookup costs less
than sending it to another process would.

What a fork carries over is made safe for the child: every descriptor but its
pipe is closed; the collector is on (a fork while another thread had paused it
left it off for the worker's life); the analyses' module locks are free
(:func:`dutygraph._fork.fork_safe`: no thread of the server holds one at the
fork); the server's store is never read in a worker (:func:`without_store`).
A worker that ended while idle, and a zygote that ended, are replaced before
the next job.

This is also issue #17's "several workers sharing one read-only state": the
workers share the server's one read-only snapshot (its pages, not a copy each),
and run on the machine's other cores.

Workers are forked on Linux only; elsewhere, and before the whole graph is
read, the heavy lane stays on threads (:meth:`Processes.ready`).

>>> import time
>>> from dutygraph.graph import DutyGraph
>>> procs = Processes(1)
>>> procs.register("count", lambda stamp, g, extra: (stamp, len(g.duties) + extra))
>>> procs.ready()
False
>>> procs.offer("s1", DutyGraph())
>>> procs.ready(), procs.call("count", (2,), time.monotonic() + 30)
(True, ('s1', 2))
>>> procs.register("sleep", lambda stamp, g, s: time.sleep(s))
>>> try:
...     procs.call("sleep", (60,), time.monotonic() + 0.3)
... except TimeoutError:
...     print("killed")
killed
>>> procs.call("count", (0,), time.monotonic() + 30)  # a new worker took its place
('s1', 0)
>>> procs.close()
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import os
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Hashable
from multiprocessing.connection import Connection, Pipe
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..graph import DutyGraph

__all__ = ["Processes", "WorkerFailed", "without_store"]

log = logging.getLogger("dutygraph.api")


class WorkerFailed(RuntimeError):
    """A job raised in its worker process, or the worker died (an internal error)."""


#: where a worker can be forked from a server that runs threads: Linux (macOS's system
#: libraries are not safe to use in a child forked from a threaded process)
_FORKS = sys.platform.startswith("linux") and hasattr(socket, "send_fds")
#: how much lower the workers' CPU priority is than the server's (``nice``): when the cores
#: are busy, the lookups answered in the server come before the analyses
WORKER_NICE = 5
#: writes a generation of workers follows by change sets before a new one is forked
MAX_CHANGES = 64
#: seconds the server waits for its zygote to fork a worker before it forks another zygote
ZYGOTE_WAIT = 10.0
#: the job that writes a change set over a worker's graph (``DutyGraph.with_changes``)
_APPLY = "\x00apply"


def without_store(store: Any) -> Any:
    """``store`` as a worker process's handlers may hold it: named, never read there.

    A worker inherits the server's store object with its descriptors closed
    (and SQLite's per-process state of the server's connections, unsafe to use
    after a fork): a read there fails as a confusing "disk I/O error", or worse.
    The server keeps operations that read the store on its threads
    (:data:`dutygraph.api.workers.STORE_FIELDS`); should one reach a worker all
    the same, it is refused saying so."""
    return _NoStore(store)


class _NoStore:
    __slots__ = ("capabilities", "url")

    def __init__(self, store: Any) -> None:
        self.url = getattr(store, "url", "")
        self.capabilities: frozenset[str] = getattr(store, "capabilities", frozenset())

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # (copy, pickle and friends probing)
            raise AttributeError(name)
        return _Refused(self.url, name)


class _Refused:
    """What a worker's store gives for any attribute: calling it or testing it (a flag such
    as ``row_reader`` read with ``getattr(store, name, False)``) refuses, saying why — a flag
    that read as true would send a worker down a path that reads the store."""

    __slots__ = ("name", "url")

    def __init__(self, url: str, name: str) -> None:
        self.url, self.name = url, name

    def _refuse(self) -> Any:
        from ..errors import StoreUnavailable

        raise StoreUnavailable(
            f"{self.url}：分析进程中不读取存储 (the store is not read in an analysis "
            f"worker process: store.{self.name}; this field must run on the server's threads)"
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._refuse()

    def __bool__(self) -> bool:
        return bool(self._refuse())


class _Proc:
    """One worker process: its pid, the server's end of its pipe, the generation it serves
    and the version of the state its graph is at."""

    __slots__ = ("conn", "generation", "pid", "version")

    def __init__(self, pid: int, conn: Connection, generation: int, version: int) -> None:
        self.pid, self.conn, self.generation, self.version = pid, conn, generation, version


class Processes:
    """Up to ``size`` worker processes over the latest snapshot offered (see the module docstring)."""

    def __init__(
        self, size: int = 2, warm: Callable[[Hashable, DutyGraph], None] | None = None
    ) -> None:
        self.size = size if _FORKS else 0
        self.warm = warm
        self._handlers: dict[str, Callable[..., Any]] = {}
        self._cond = threading.Condition()
        self._idle: list[_Proc] = []
        self._busy: set[_Proc] = set()
        self._state: tuple[Hashable, DutyGraph] | None = None
        self._generation = 0
        self._zygote: _Zygote | None = None  # forks the workers of the current generation
        self._version = 0  # of the state offered last
        self._zygote_version = 0  # of the state the zygote holds
        #: (version, stamp, records) of each write since: what a worker applies to catch up
        self._changes: list[tuple[int, Hashable, list[Any]]] = []
        self._closed = False
        #: workers forked, and killed past their limit (tests, benchmarks)
        self.forked = 0
        self.killed = 0

    # -- what the server calls -------------------------------------------------

    def register(self, name: str, handler: Callable[..., Any]) -> None:
        """Run ``handler(stamp, graph, *args)`` for jobs named ``name`` (workers forked after this)."""
        with self._cond:
            self._handlers[name] = handler
            self._new_generation()

    def offer(self, stamp: Hashable, graph: DutyGraph) -> None:
        """The snapshot new workers are forked over; the workers of the one before end.

        Unless the snapshot is a change set over the last, ``warm(stamp, graph)``
        runs first, here: what the analyses load once per process (the law
        corpus, the segmenter's dictionary) and build once per content (the word
        indexes) is then inherited by every worker forked after, not built again
        by each (seconds each, at the first offer only).
        """
        if self.size <= 0:
            return
        held = self._state
        changes = graph.changes_since(held[1]) if held is not None else None
        if self.warm is not None and (changes is None or self._zygote is None):
            try:  # (a change set forks nothing: nothing to warm)
                self.warm(stamp, graph)
            except Exception:  # the workers build what they need themselves
                log.exception("warming the analyses before forking failed")
        with self._cond:
            if self._closed:
                return
            if self._state is not held:  # offered meanwhile: compare with that one
                changes = None
            self._version += 1
            self._state = (stamp, graph)
            if (
                changes is not None
                and self._zygote is not None
                and len(self._changes) < MAX_CHANGES
            ):
                # a write the workers can make themselves: each applies it before its next job
                self._changes.append((self._version, stamp, changes))
            else:
                self._new_generation()

    def ready(self) -> bool:
        """Whether jobs can go to a worker process (a snapshot was offered)."""
        return self.size > 0 and self._state is not None and not self._closed

    def pids(self) -> list[int]:
        """The worker processes alive now (tests, benchmarks)."""
        with self._cond:
            return [p.pid for p in (*self._idle, *self._busy)]

    def call(self, name: str, args: tuple[Any, ...], deadline: float) -> Any:
        """Run job ``name`` on a worker; its answer. :class:`TimeoutError` past ``deadline``
        (``time.monotonic()``: the worker is killed), :class:`WorkerFailed` if it raised.

        A worker behind the state offered last first applies the writes it missed."""
        proc, behind = self._take(deadline)
        done = late = False
        try:
            for version, stamp, records in behind:
                ok, value = self._ask(proc, _APPLY, (stamp, records), deadline)
                if ok is None or not ok:  # late, or the worker could not: it goes
                    late = ok is None
                    if not late:
                        self._restart()
                    break
                proc.version = version
            else:
                ok, value = self._ask(proc, name, args, deadline)
                late, done = ok is None, ok is not None
        except (EOFError, OSError) as exc:
            raise WorkerFailed(f"the worker process ended during {name!r}: {exc}") from None
        finally:  # past the limit, interrupted, or its pipe broken: the worker goes
            self._give(proc) if done else self._kill(proc)
        if late:
            raise TimeoutError(name)
        if not done:  # it could not follow a write: a new generation answers
            return self.call(name, args, deadline)
        if not ok:
            raise WorkerFailed(value)
        return value

    @staticmethod
    def _ask(proc: _Proc, name: str, args: tuple[Any, ...], deadline: float) -> tuple[Any, Any]:
        """(ok, answer) of one job on ``proc``; ``(None, None)`` past ``deadline``."""
        proc.conn.send((name, args))
        if not proc.conn.poll(max(0.0, deadline - time.monotonic())):
            return None, None
        ok, value = proc.conn.recv()
        return ok, value

    def _restart(self) -> None:
        """Fork the next workers afresh (a change set a worker could not apply)."""
        with self._cond:
            self._new_generation()

    def close(self) -> None:
        """End every worker (the idle at once, the busy once their job ends)."""
        with self._cond:
            self._closed = True
            self._state = None
            self._new_generation()
            self._cond.notify_all()

    # -- inside ----------------------------------------------------------------

    def _new_generation(self) -> None:
        """Retire every worker of the generation before (call under ``_cond``)."""
        self._generation += 1
        self._changes = []
        for proc in self._idle:
            self._end(proc)
        self._idle = []
        if self._zygote is not None:  # it ends once the last of its workers has
            self._zygote.close()
            self._zygote = None

    def _take(self, deadline: float) -> tuple[_Proc, list[tuple[int, Hashable, list[Any]]]]:
        """A worker of the current generation, and the writes it must apply first."""
        with self._cond:
            while True:
                if self._closed or self._state is None:
                    raise WorkerFailed("no worker process: the server is closing")
                proc: _Proc | None = None
                if self._idle:
                    proc = self._idle.pop()
                    if proc.conn.poll(0):  # an idle worker has nothing to say: it ended
                        log.warning("a worker process (pid %d) had ended: replaced", proc.pid)
                        self._end(proc)
                        continue
                elif sum(1 for p in self._busy if p.generation == self._generation) < self.size:
                    proc = self._fork()
                if proc is not None:
                    self._busy.add(proc)
                    return proc, [c for c in self._changes if c[0] > proc.version]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("waiting for a worker process")
                self._cond.wait(left)

    def _give(self, proc: _Proc) -> None:
        with self._cond:
            self._busy.discard(proc)
            if proc.generation == self._generation and not self._closed:
                self._idle.append(proc)
            else:
                self._end(proc)
            self._cond.notify()

    def _kill(self, proc: _Proc) -> None:
        with self._cond:
            self._busy.discard(proc)
            self.killed += 1
            self._cond.notify()
        with contextlib.suppress(ProcessLookupError):  # it had ended already
            os.kill(proc.pid, signal.SIGKILL)
        log.warning("a worker process (pid %d) ran past its limit or failed: killed", proc.pid)
        self._end(proc)

    @staticmethod
    def _end(proc: _Proc) -> None:
        """Close the worker's pipe: it ends on reading that (its zygote reaps it)."""
        proc.conn.close()

    def _fork(self) -> _Proc:
        """A new worker over the offered snapshot (call under ``_cond``).

        The server forks one *zygote* per snapshot, which forks the workers:
        a fork stops the forking process while its page tables are copied (tens
        of milliseconds at province size, the interpreter lock held) and costs
        it copy-on-write faults after, so the server pays it once per snapshot,
        not once per worker."""
        assert self._state is not None
        for attempt in (1, 2):
            if self._zygote is None:
                self._zygote = _Zygote(*self._state, dict(self._handlers))
                self._zygote_version, self._changes = self._version, []
            try:
                pid, conn = self._zygote.spawn()
                break
            except (OSError, WorkerFailed) as exc:  # it died (or hangs): fork another one
                log.warning("the zygote process %d failed (%s): replaced", self._zygote.pid, exc)
                self._new_generation()
                if attempt == 2:
                    raise WorkerFailed(f"no worker process could be forked: {exc}") from None
        self.forked += 1
        return _Proc(pid, conn, self._generation, self._zygote_version)


class _Zygote:
    """A process forked from the server over one snapshot, forking its workers on request."""

    def __init__(
        self, stamp: Hashable, graph: DutyGraph, handlers: dict[str, Callable[..., Any]]
    ) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = _forked(theirs.fileno(), lambda: _zygote(theirs, stamp, graph, handlers))
        theirs.close()
        ours.settimeout(ZYGOTE_WAIT)  # a fork takes milliseconds: longer, it is stuck
        self.pid, self.sock = pid, ours

    def spawn(self) -> tuple[int, Connection]:
        """A new worker: its pid and the server's end of its pipe."""
        self.sock.sendall(b"w")
        msg, fds, _, _ = socket.recv_fds(self.sock, 16, 1)
        if len(msg) != 8 or len(fds) != 1:
            raise WorkerFailed(f"the zygote process {self.pid} did not fork a worker")
        return int.from_bytes(msg, "little"), Connection(fds[0])

    def close(self) -> None:
        """Let it end once its workers have (it reaps them); reap it then."""
        self.sock.close()
        threading.Thread(target=_reap, args=(self.pid,), name="dutygraph-reap", daemon=True).start()


def _zygote(
    sock: socket.socket,
    stamp: Hashable,
    graph: DutyGraph,
    handlers: dict[str, Callable[..., Any]],
) -> None:  # pragma: no cover - runs in the zygote
    """A zygote's life: a worker for each byte read, sent back as (pid, its end of a pipe)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # its workers are reaped as they end
    with contextlib.suppress(OSError):  # its workers inherit it: lookups first on a busy machine
        os.nice(WORKER_NICE)
    gc.freeze()
    while sock.recv(1):
        ours, theirs = Pipe()
        pid = _forked(theirs.fileno(), functools.partial(_serve, theirs, stamp, graph, handlers))
        socket.send_fds(sock, [pid.to_bytes(8, "little")], [ours.fileno()])  # the server's end
        ours.close()
        theirs.close()
    # the server let go: wait for the workers still running a job (SIGCHLD ignored: wait
    # returns once none is left)
    with contextlib.suppress(ChildProcessError):
        os.wait()


def _forked(keep: int, life: Callable[[], None]) -> int:
    """Fork a process that closes what it inherited but ``keep`` and lives ``life()``; its pid."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child (coverage does not follow a fork)
        code = 0
        try:
            _close_inherited(keep)
            # forked while another thread had paused the collector (a graph being read,
            # _gc.gc_paused): this process has no such thread, so nothing would turn it on
            gc.enable()
            life()
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    return pid


def _close_inherited(keep: int) -> None:  # pragma: no cover - runs in the worker
    """Close every descriptor the worker inherited but its pipe and stdio: the server's
    sockets (a client's connection must close when the server closes it), the other
    workers' pipes (they must see their end), a subprocess's pipe opened meanwhile."""
    os.closerange(3, keep)
    os.closerange(keep + 1, max(keep + 2, os.sysconf("SC_OPEN_MAX")))


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):  # reaped elsewhere
        os.waitpid(pid, 0)


def _serve(
    conn: Connection, stamp: Hashable, graph: DutyGraph, handlers: dict[str, Callable[..., Any]]
) -> None:  # pragma: no cover - runs in the worker
    """A worker's life: jobs from ``conn`` until the server closes it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the server, which ends us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.freeze()  # what the server held stays shared: no collection walks (and copies) it
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        name, args = job
        try:
            if name == _APPLY:  # a write the server made: the same change set over this graph
                changed = graph.with_changes(args[1])
                if changed is not None:
                    stamp, graph = args[0], changed
                out: tuple[bool, Any] = (changed is not None, None)
            else:
                out = (True, handlers[name](stamp, graph, *args))
        except BaseException as exc:
            out = (False, f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
        try:
            conn.send(out)
        except (EOFError, OSError):
            return
        except Exception as exc:  # an answer that does not pickle
            conn.send((False, f"the answer to {name!r} could not be sent: {exc}"))
