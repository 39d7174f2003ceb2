"""Work off the event loop: lanes of worker threads, a time limit per job, the worker freed.

The server has one event loop; an analysis that runs on it (a 10k-character
``routeClue``, a gap scan at province size, an assignment) makes every other
request wait. :class:`Workers` runs such work on threads instead, in lanes so
that quick questions never queue behind slow ones:

* ``light`` — lookups (``whoLeads``, ``item``, ``{ __typename }``...);
* ``heavy`` — scans, routing, assignment, guides, what-ifs (:data:`HEAVY_FIELDS`);
* ``write`` — mutations, one at a time (the store takes one writer anyway).

With ``processes`` (setting ``analysis_processes``), the heavy lane's jobs that
can be named — a GraphQL operation, an ``/api/*`` scan — run in worker
processes forked over the snapshot (:mod:`.processes`): off this process's
interpreter lock too, so a lookup does not wait for a scan's bytecodes; the
heavy lane's threads only wait for their answers.

A job over the time limit (setting ``request_timeout``) is answered with
:class:`TimedOut` at once, and the thread running it is interrupted: an
:class:`Interrupted` is raised in that thread at its next bytecode, and raised
again every 50 ms until the job has ended (so code that catches one and goes on
is stopped all the same); the job unwinds and the worker takes the next job.
(It is an ``Exception``, not a ``BaseException``: asyncio and the GraphQL
executor hand an ``Exception`` on to whoever awaits, but leave a
``BaseException`` stuck in the task that raised it.) Writes are never interrupted (a
write stopped half-way would help nobody; the store is all-or-nothing anyway):
a write over the limit still finishes, and its caller is told the truth.
Work inside one C call (a single huge regular expression, say) is interrupted
only when that call returns.

>>> import asyncio, time
>>> w = Workers(light=1, heavy=1, timeout=0.2)
>>> asyncio.run(w.run("light", lambda: 6 * 7))
42
>>> def forever():
...     while True:
...         time.sleep(0.01)
>>> try:
...     asyncio.run(w.run("heavy", forever))
... except TimedOut as exc:
...     print(exc.seconds)
0.2
>>> asyncio.run(w.run("heavy", lambda: "the worker was freed"))
'the worker was freed'
>>> w.close()
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import pickle
import queue
import threading
import time
from collections.abc import Callable, Coroutine, Hashable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from graphql import FieldNode, GraphQLError, OperationDefinitionNode, OperationType, parse

from .. import config
from ..graph import DutyGraph
from .processes import Processes

if TYPE_CHECKING:
    from .state import Snapshots

__all__ = [
    "HEAVY_FIELDS",
    "LANES",
    "STORE_FIELDS",
    "Interrupted",
    "TimedOut",
    "Workers",
    "lane_of",
    "on_snapshot",
    "reads_store",
    "release",
    "run_here",
]

log = logging.getLogger("dutygraph.api")

T = TypeVar("T")

#: top-level GraphQL fields whose work grows with the data or the text: the ``heavy`` lane
HEAVY_FIELDS = frozenset(
    {
        "routeClue",
        "gaps",
        "conflicts",
        "inspections",
        "assignBusinessForm",
        "inspectObject",
        "industryGuide",
        "whatIf",
        "disputeRoute",
        "disputeEvidence",
    }
)
#: top-level GraphQL fields that read the store itself (not the snapshot): an operation
#: selecting one runs on the heavy lane's threads, never in a worker process, whose copy of
#: the server's store is not usable (:func:`dutygraph.api.processes.without_store`)
STORE_FIELDS = frozenset({"disputeHistory"})
#: seconds a write through the server waits for the new state to be swapped in
WRITE_SWAP_WAIT = 2.0
#: the lanes and their default number of threads
LANES = {"light": 4, "heavy": 2, "write": 1}


class TimedOut(Exception):
    """A job ran past the time limit (its thread was interrupted, unless it writes)."""

    def __init__(self, seconds: float, *, interrupted: bool) -> None:
        self.seconds = seconds
        self.interrupted = interrupted
        super().__init__(
            f"请求超过时限 {seconds:g} 秒，已停止 (the request ran past the {seconds:g} s limit "
            "and was stopped; narrow it, e.g. a region or a shorter text, or raise the "
            "request_timeout setting)"
            if interrupted
            else f"写入超过时限 {seconds:g} 秒，仍在进行，完成后生效 (the write ran past the "
            f"{seconds:g} s limit; it is still running and will take effect when it ends)"
        )


class _Late(Exception):
    """A job in a worker process ran past its deadline (the worker was killed)."""


class Interrupted(Exception):
    """Raised inside a worker thread whose job ran past its time limit (never seen by users)."""


_set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
_set_async_exc.restype = ctypes.c_int  # no argtypes: None goes as NULL, which clears


def _raise_in(thread: int) -> None:
    _set_async_exc(ctypes.c_ulong(thread), ctypes.py_object(Interrupted))


def _clear_in(thread: int) -> None:
    _set_async_exc(ctypes.c_ulong(thread), None)


class _Job:
    """One call to run on a worker, its outcome, and whether it may still be interrupted."""

    __slots__ = ("error", "fn", "interruptible", "lock", "notify", "outcome", "state", "thread")

    def __init__(
        self, fn: Callable[[], Any], interruptible: bool, notify: Callable[[], None]
    ) -> None:
        self.fn = fn
        self.interruptible = interruptible
        self.notify = notify
        self.lock = threading.Lock()
        self.state = "queued"  # queued → running → ended; or queued → dropped
        self.thread = 0
        self.outcome: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        """Run the job here (a worker calls :meth:`end` after, whatever happens)."""
        with self.lock:
            if self.state == "dropped":  # timed out while queued: not started at all
                return
            self.state = "running"
            self.thread = threading.get_ident()
        try:
            self.outcome = self.fn()
        except BaseException as exc:  # the job's error, or the interruption: the caller's to see
            self.error = exc

    def end(self) -> None:
        """Mark the job ended and clear an interruption not landed yet: none can land after this.

        An interruption may land anywhere before, this method included: the
        worker calls it until it returns (it is idempotent).
        """
        while True:
            try:
                with self.lock:
                    if self.state == "interrupted":
                        _clear_in(self.thread)
                    if self.state != "dropped":
                        self.state = "ended"
                return
            except Interrupted:  # it landed right here: it is spent, end again
                continue

    def interrupt(self) -> bool:
        """Stop the job: drop it if queued, interrupt its thread (again) if running; whether stopped."""
        with self.lock:
            if self.state == "queued":
                self.state = "dropped"
                return True
            if self.state in ("running", "interrupted") and self.interruptible:
                self.state = "interrupted"
                _raise_in(self.thread)
                return True
            return False

    @property
    def over(self) -> bool:
        return self.state in ("ended", "dropped")


class Workers:
    """Lanes of daemon threads running jobs with a time limit (see the module docstring).

    Parameters
    ----------
    light, heavy, write : int
        Threads per lane.
    timeout : float
        Seconds a job may take (``request_timeout``), counted from when it is submitted.
    processes : int
        Worker processes for the heavy lane's named jobs (:meth:`run_remote`); 0: none.
    """

    def __init__(
        self,
        *,
        light: int = LANES["light"],
        heavy: int = LANES["heavy"],
        write: int = LANES["write"],
        timeout: float = 30.0,
        processes: int = 0,
    ) -> None:
        self.timeout = timeout
        #: the heavy lane's worker processes (``None``: its jobs run on its threads)
        self.processes = Processes(processes, warm=_warm) if processes > 0 else None
        heavy = max(heavy, processes)  # a thread waits for each process's answer
        self._stopping: list[_Job] = []  # interrupted jobs not yet ended: interrupted again
        self._stopping_lock = threading.Lock()
        self._reaper: threading.Thread | None = None
        self._queues: dict[str, queue.SimpleQueue[_Job | None]] = {}
        self._threads: list[threading.Thread] = []
        for lane, n in (("light", light), ("heavy", heavy), ("write", write)):
            q: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
            self._queues[lane] = q
            for i in range(n):
                t = threading.Thread(
                    target=self._serve, args=(q,), name=f"dutygraph-{lane}-{i}", daemon=True
                )
                t.start()
                self._threads.append(t)

    def _stop(self, job: _Job) -> None:
        """Keep interrupting ``job`` until it has ended (a reaper thread while any is left)."""
        with self._stopping_lock:
            self._stopping.append(job)
            if self._reaper is None or not self._reaper.is_alive():
                self._reaper = threading.Thread(
                    target=self._reap, name="dutygraph-reaper", daemon=True
                )
                self._reaper.start()

    def _reap(self) -> None:
        while True:
            time.sleep(0.05)
            with self._stopping_lock:
                self._stopping = [j for j in self._stopping if not j.over]
                again = list(self._stopping)
                if not again:
                    self._reaper = None
                    return
            for job in again:
                job.interrupt()

    @staticmethod
    def _serve(q: queue.SimpleQueue[_Job | None]) -> None:
        job: _Job | None = None
        while True:
            try:
                if job is not None:  # once ended, no interruption can reach this thread
                    job.end()
                    job.notify()
                    job = None
                job = q.get()
                if job is None:
                    _close_here()
                    return
                job.run()
            except Interrupted:  # landed outside the job's own code: end it (again) above
                continue

    async def run(self, lane: str, fn: Callable[[], T], *, timeout: float | None = None) -> T:
        """``fn()`` on a thread of ``lane``; its result, or :class:`TimedOut` past the limit."""
        limit = self.timeout if timeout is None else timeout
        loop = asyncio.get_running_loop()
        finished: asyncio.Future[None] = loop.create_future()

        def notify() -> None:
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
                loop.call_soon_threadsafe(_settle, finished)

        job = _Job(fn, lane != "write", notify)
        self._queues[lane].put(job)
        try:
            await asyncio.wait_for(asyncio.shield(finished), limit)
        except TimeoutError:
            stopped = job.interrupt()
            if stopped:
                self._stop(job)
            log.warning("a %s job ran past %.3g s; stopped: %s", lane, limit, stopped)
            raise TimedOut(limit, interrupted=stopped) from None
        if job.error is not None:
            if isinstance(job.error, Interrupted):  # pragma: no cover - only after a timeout
                raise TimedOut(limit, interrupted=True)
            raise job.error
        return job.outcome  # type: ignore[no-any-return]

    def remote(self, args: tuple[Any, ...]) -> bool:
        """Whether a heavy job with ``args`` can run in a worker process now (they pickle)."""
        if self.processes is None or not self.processes.ready():
            return False
        try:
            pickle.dumps(args)
        except Exception:  # an upload's file, say: the job runs on a thread
            return False
        return True

    async def run_remote(
        self, name: str, args: tuple[Any, ...], *, timeout: float | None = None
    ) -> Any:
        """Job ``name`` of the heavy lane in a worker process; :class:`TimedOut` past the limit
        (the process killed and replaced)."""
        procs = self.processes
        assert procs is not None
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit

        def wait() -> Any:
            try:
                return procs.call(name, args, deadline)
            except TimeoutError:
                raise _Late from None

        try:  # the thread's own limit a little later: the process's deadline comes first
            return await self.run("heavy", wait, timeout=limit + 1.0)
        except _Late:
            raise TimedOut(limit, interrupted=True) from None

    def close(self) -> None:
        """Let every worker end after its current job."""
        if self.processes is not None:
            self.processes.close()
        for lane, q in self._queues.items():
            for t in self._threads:
                if t.name.startswith(f"dutygraph-{lane}-"):
                    q.put(None)


def _warm(stamp: Hashable, graph: DutyGraph) -> None:
    """What the heavy lane's analyses load once per process and build once per content,
    loaded here before the worker processes are forked (they inherit it): a short route."""
    from ..analysis.route import route_clue

    route_clue(graph, "餐馆", None, None)


@lru_cache(maxsize=1024)
def lane_of(query: str | None, operation: str | None) -> str:
    """Which worker lane runs an operation: ``write`` (a mutation), ``heavy`` or ``light``.

    >>> lane_of("{ __typename }", None), lane_of('{ gaps { totalCount } }', None)
    ('light', 'heavy')
    >>> lane_of('mutation { withdrawDispute(id: "D1") { id } }', None)
    'write'
    """
    op = _chosen(query, operation)
    if op is None:
        return "light"  # (a syntax error: the executor reports it, located)
    if op.operation == OperationType.MUTATION:
        return "write"
    names = {s.name.value for s in op.selection_set.selections if isinstance(s, FieldNode)}
    return "heavy" if names & HEAVY_FIELDS else "light"


@lru_cache(maxsize=1024)
def reads_store(query: str | None, operation: str | None) -> bool:
    """Whether an operation selects a field of :data:`STORE_FIELDS` (it stays in this process).

    >>> reads_store('{ gaps { totalCount } disputeHistory(id: "D1") { op } }', None)
    True
    >>> reads_store("{ gaps { totalCount } }", None)
    False
    """
    return bool(_top_fields(query, operation) & STORE_FIELDS)


def _top_fields(query: str | None, operation: str | None) -> frozenset[str]:
    op = _chosen(query, operation)
    if op is None:
        return frozenset()
    return frozenset(s.name.value for s in op.selection_set.selections if isinstance(s, FieldNode))


def _chosen(query: str | None, operation: str | None) -> OperationDefinitionNode | None:
    """The operation of ``query`` that runs (``None``: no query, a syntax error, no such one)."""
    if not query:
        return None
    try:
        doc = parse(query)
    except GraphQLError:
        return None
    ops = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in ops if operation is None or (o.name and o.name.value == operation)]
    return chosen[0] if chosen else None


async def on_snapshot(
    workers: Workers,
    snapshots: Snapshots,
    lane: str,
    execute: Callable[[DutyGraph], Coroutine[Any, Any, T]],
    remote: tuple[str, tuple[Any, ...], Callable[[Any], T]] | None = None,
) -> T:
    """``execute(graph)`` on a worker of ``lane``, over the snapshot's whole graph, within the time limit.

    ``remote`` — ``(job name, arguments, unpack)`` — is the same work as a job a
    worker process can run (:meth:`Workers.run_remote`): a heavy one goes
    there when it can, and ``unpack`` makes its answer ``execute``'s.

    A read on the whole graph in memory takes it from the snapshot of this
    iteration of the event loop (:meth:`~.state.Snapshots.on_loop`: no store stamp
    asked on the worker); otherwise the graph is taken on the worker (the first one
    may still be being read: the worker waits, not the event loop). ``execute``
    runs on the worker's own event loop. After a write the new state is swapped in before the answer
    goes back (up to :data:`WRITE_SWAP_WAIT` s: the read goes on in the
    background after that), so on a store read in less the writer reads its write.
    """

    limit = config.current().request_timeout
    if remote is not None and lane == "heavy" and workers.remote(remote[1]):
        name, args, unpack = remote
        return unpack(await workers.run_remote(name, args, timeout=limit))

    held = snapshots.on_loop().reader if lane != "write" else None
    whole = held if isinstance(held, DutyGraph) else None

    def job() -> T:
        result = run_here(execute(whole if whole is not None else snapshots.graph()))
        if lane == "write":  # the writer reads its write, unless the read takes long
            snapshots.refresh_soon(WRITE_SWAP_WAIT)
        return result

    return await workers.run(lane, job, timeout=limit)


def release(context: Any) -> None:
    """Cut a finished request's context off the graph it read.

    The objects of one GraphQL execution (its info, tasks, futures) hold each
    other in reference cycles, freed only by the cyclic collector — which the
    store's whole-graph read freezes (``gc.freeze``: the read graph is never
    walked). Cycles frozen while they referenced a graph kept that graph alive
    for good: one graph per write. Cut off, they keep a few small objects.
    """
    access = getattr(context, "access", None)
    if access is not None and hasattr(access, "graph"):
        access.graph = None
    for name in ("graph", "access", "loaders"):
        if hasattr(context, name):
            setattr(context, name, None)


_here = threading.local()


def _forget_here() -> None:
    """In a forked worker process: drop the forking thread's event loop, unclosed — its
    selector and wake-up pipe are the server's too (closing them would touch the server's)."""
    _here.loop = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_here)


def run_here(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to its end on this thread's own event loop (made once per worker thread).

    A new loop per request would cost a selector and a socket pair each time;
    a run that fails or is interrupted may leave tasks behind, so its loop is
    closed and the next run makes a new one.
    """
    loop: asyncio.AbstractEventLoop | None = getattr(_here, "loop", None)
    if loop is None:
        loop = _here.loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coro)
    except BaseException:
        _close_here()
        raise


def _close_here() -> None:
    """Close this thread's event loop, if it has one, and its tasks."""
    loop: asyncio.AbstractEventLoop | None = getattr(_here, "loop", None)
    _here.loop = None
    if loop is None:
        return
    with contextlib.suppress(BaseException):
        for task in asyncio.all_tasks(loop):
            task.cancel()
        loop.run_until_complete(loop.shutdown_default_executor())
    loop.close()


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
