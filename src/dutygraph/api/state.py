"""One read-only state shared by every request of a server: the newest snapshot of the store.

A request does not open the store: it asks :class:`Snapshots` for the current
:class:`Snapshot` — a reader on one state of the store, with the answers
already given on it (:attr:`Snapshot.answers`). Which state is current is told
by the store's :meth:`~dutygraph.store.base.Store.stamp` (tens of microseconds
for the embedded store), asked once per request:

* at start, requests are answered from the store's lazy reader
  (:meth:`~dutygraph.store.base.Store.reader`: indexed queries, ready at once)
  while a background thread reads the whole graph;
* once read, the whole graph answers (every question in memory), until the
  stamp changes;
* after a write (by this server or any other process) the lazy reader
  answers lookups at once, while the questions that need the whole graph
  (GraphQL, scans: :meth:`Snapshots.graph`) keep the last whole graph until a
  background thread has read the new state; it is then swapped in (one
  assignment) and the old one released — its memory handed back
  (``malloc_trim``), so a server that is written to does not grow. No request
  waits for the read, and no more than two whole graphs are ever held. A
  write made through this server waits for the swap up to two seconds
  (:meth:`Snapshots.refresh_soon`): on a store read in less, the writer reads
  its own write; others see it in the whole graph once swapped (a read of the
  whole store: about a second at province size on an idle machine, ten on a
  busy one).

A store that cannot tell its stamp cheaply (``stamp()`` is ``None``) is read
afresh for every request, as before.

A store that answers in its database (:func:`~dutygraph.reader.answers_in_store`:
the Neo4j store) is never read whole: every question, GraphQL and scans alike, is
answered by a fresh reader of the store (its saved queries), and a write needs no
swap — the next request's reader reads it.

>>> import os, tempfile
>>> from dutygraph import load
>>> from dutygraph.fixtures import DEMO_PATH
>>> from dutygraph.store import EmbeddedStore
>>> store = EmbeddedStore(os.path.join(tempfile.mkdtemp(), "doc.db")); _ = load(store, [DEMO_PATH])
>>> snaps = Snapshots(store, background=False)
>>> snap = snaps.current()
>>> type(snap.reader).__name__, snaps.current() is snap
('SqliteReader', True)
>>> type(snaps.graph()).__name__, type(snaps.current().reader).__name__  # the whole graph, once read
('DutyGraph', 'DutyGraph')
>>> from dutygraph.analysis.disputes.lifecycle import open_dispute
>>> old = snaps.graph()
>>> _ = open_dispute(store, ["N-GAS", "N-SAMR"], "BF-GYM-PREPAID", "000000", "2025-06-01", by="doc")
>>> new = snaps.graph()  # without a background thread, read at once; with one, swapped when read
>>> new is not old, len(new.disputes) - len(old.disputes), snaps.swaps
(True, 1, 2)
>>> snaps.whole()[0] == store.stamp()
True
"""

from __future__ import annotations

import asyncio
import ctypes
import functools
import gc
import logging
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, cast

from ..graph import DutyGraph
from ..reader import GraphReader, answers_in_store
from ..store.base import ChangeSet, Store

__all__ = ["ANSWERS_KEPT", "Snapshot", "SnapshotStore", "Snapshots"]

log = logging.getLogger("dutygraph.api")

#: encoded answers kept per snapshot before the oldest half is dropped
ANSWERS_KEPT = 16384


class Snapshot:
    """One state of the store: what answers (``reader``) and the answers given on it."""

    __slots__ = ("answers", "reader", "stamp")

    def __init__(self, reader: GraphReader, stamp: Hashable | None) -> None:
        self.reader = reader
        self.stamp = stamp
        #: answers already encoded on this state, by question (see :mod:`dutygraph.api.routes`)
        self.answers: dict[Hashable, Any] = {}

    def remember(self, key: Hashable, value: Any) -> Any:
        """Keep ``value`` as the answer to ``key`` on this snapshot; returns it."""
        answers = self.answers
        if len(answers) >= ANSWERS_KEPT:
            for old in list(answers)[: ANSWERS_KEPT // 2]:
                del answers[old]
        answers[key] = value
        return value


class Snapshots:
    """The current snapshot of ``store`` for every request (see the module docstring).

    Two things are current: :meth:`current` — the store's state now (its lazy
    reader right after a write, the whole graph once read) — and :meth:`graph`,
    the last whole graph read: after a write it stays the previous state until
    the background read of the new one is swapped in (nobody waits for it).
    A writer in this server calls :meth:`refresh_soon` before it answers, so
    on a store read in less than its wait it reads its own write.

    Parameters
    ----------
    store : Store
    background : read the whole graph in a background thread (``False``: when
        asked for it, in the caller's thread)
    """

    def __init__(self, store: Store, *, background: bool = True) -> None:
        self.store = store
        self.background = background
        #: the store answers through its reader: the whole graph is never read
        self.in_store = answers_in_store(store)
        self._lock = threading.Lock()  # guards _snap, _graph and _loading
        self._load_lock = threading.Lock()  # one whole-graph read at a time: never three graphs
        self._tell_lock = threading.Lock()  # on_swap told one graph at a time, newest last
        self._snap: Snapshot | None = None
        self._graph: tuple[Hashable, DutyGraph] | None = None
        self._loading: threading.Event | None = None
        self._tick: tuple[asyncio.AbstractEventLoop, Snapshot] | None = None
        #: called with (stamp, graph) after each whole graph is swapped in (the worker
        #: processes are forked over it: :class:`dutygraph.api.processes.Processes`)
        self.on_swap: list[Callable[[Hashable, DutyGraph], None]] = []
        #: how many whole graphs were swapped in, and the last read's seconds (benchmarks)
        self.swaps = 0
        self.last_read_s = 0.0

    def stamp(self) -> Hashable | None:
        """The store's stamp now (``None``: it cannot tell)."""
        stamp = getattr(self.store, "stamp", None)
        return stamp() if stamp is not None else None

    def current(self) -> Snapshot:
        """The snapshot of the store's state now (one ``stamp()``; a new one after a write)."""
        stamp = self.stamp()
        snap = self._snap
        if stamp is None:  # cannot tell a write cheaply: a fresh view every time
            return Snapshot(self.store.reader(), None)
        if snap is not None and snap.stamp == stamp:
            return snap
        with self._lock:
            snap = self._snap
            if snap is not None and snap.stamp == stamp:
                return snap
            held = self._graph
            if held is not None and held[0] == stamp:
                snap = Snapshot(held[1], stamp)
            else:  # the store's lazy reader answers while the whole graph is read
                snap = Snapshot(self.store.reader(), stamp)
                if self.background and not self.in_store:
                    self._start_loading()
            self._snap = snap
            return snap

    def on_loop(self) -> Snapshot:
        """:meth:`current`, asked once per iteration of the running event loop.

        The requests one iteration of the server's loop starts are concurrent
        with each other, and with any write landing meanwhile: one ``stamp()``
        answers them all (under load, several requests share it). The next
        iteration asks again, so a request that starts after a write has
        committed sees it, as with :meth:`current`.
        """
        loop = asyncio.get_running_loop()
        tick = self._tick
        if tick is not None and tick[0] is loop:
            return tick[1]
        snap = self.current()
        self._tick = (loop, snap)
        loop.call_soon(self._next_tick, loop)
        return snap

    def _next_tick(self, loop: asyncio.AbstractEventLoop) -> None:
        tick = self._tick
        if tick is not None and tick[0] is loop:
            self._tick = None

    def reader(self) -> GraphReader:
        """The current snapshot's reader."""
        return self.current().reader

    def whole(self) -> tuple[Hashable, DutyGraph]:
        """``(stamp, graph)``: the last whole graph read, and the state it is of.

        Right after a write it is the state before (the new one is being read in
        the background: nobody waits); the first time, and without a background
        thread, it is read now, in the caller's thread.
        """
        snap = self.current()
        if isinstance(snap.reader, DutyGraph):
            return snap.stamp, snap.reader
        if self.in_store:  # a fresh reader per question: what it reads goes with the answer
            return snap.stamp, cast(DutyGraph, self.store.reader())
        if snap.stamp is None:
            return None, self.store.graph()
        held = self._graph
        if held is None or not self.background:
            self.refresh()
            held = self._graph
        if held is None:  # pragma: no cover - refresh always holds one
            return snap.stamp, self.store.graph()
        return held

    def graph(self) -> DutyGraph:
        """The last whole graph read (see :meth:`whole`)."""
        return self.whole()[1]

    def refresh(self) -> None:
        """Read the store's newest state whole and swap it in, now, in the caller's thread."""
        if self.in_store:
            return  # nothing is held: the next request's reader reads the new state
        with self._load_lock:
            while True:
                stamp = self.stamp()
                held = self._graph
                if held is not None and held[0] == stamp:
                    return  # already current (another thread swapped it in)
                t0 = time.perf_counter()
                # the store freezes what is alive when it reads (gc.freeze): collect the
                # requests' cyclic garbage first (cheap: the graphs are frozen, not walked)
                gc.collect()
                graph = self.store.graph()
                with self._lock:
                    if self.stamp() != stamp:
                        del graph
                        continue  # written while we read: read again
                    self._graph = (stamp, graph)
                    snap = self._snap
                    if snap is None or snap.stamp == stamp or isinstance(snap.reader, DutyGraph):
                        fresh = Snapshot(graph, stamp)  # (an older whole graph goes now)
                        if snap is not None and snap.stamp == stamp:
                            fresh.answers = snap.answers  # same state: the answers stand
                        self._snap = fresh
                    self.swaps += 1
                    self.last_read_s = time.perf_counter() - t0
                del held, snap  # the old graph goes with the last request reading it
                break
        # told outside the read lock: what a listener does with the graph (the worker pool
        # warms the analyses: seconds the first time) never holds up reading the next write
        with self._tell_lock:
            held = self._graph
            if held is not None and held[1] is graph:  # (else a newer one is told next)
                for tell in self.on_swap:
                    tell(stamp, graph)
        del graph, held
        _release_memory()

    def refresh_soon(self, wait: float) -> bool:
        """Read the new state in the background; wait for the swap up to ``wait`` s; whether swapped.

        What a write through the server calls: on a small store the writer's
        next request reads its write; on a big one the writer is not held for
        the whole read (seconds at province size on a busy machine), and reads
        see the write once it is swapped in.
        """
        if not self.background or self.in_store:
            self.refresh()
            return True
        with self._lock:
            self._start_loading()
            loading = self._loading
        return loading.wait(wait) if loading is not None else True

    def _start_loading(self) -> None:
        """Start one background :meth:`refresh` unless one is running (call under ``_lock``)."""
        if self._loading is not None and not self._loading.is_set():
            return
        done = self._loading = threading.Event()

        def run() -> None:
            try:
                while True:  # a write landed while the last graph was read or told: again
                    self.refresh()
                    held = self._graph
                    if held is None or held[0] == self.stamp():
                        break
            except Exception:  # the last snapshot keeps answering; say why in the log
                log.exception("reading the whole graph in the background failed")
            finally:
                done.set()

        threading.Thread(target=run, name="dutygraph-snapshot", daemon=True).start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a background read of the whole graph (tests, benchmarks); whether it is done."""
        loading = self._loading
        return loading.wait(timeout) if loading is not None else True


def _release_memory() -> None:
    """Hand the freed pages of a released snapshot back to the system (glibc's malloc_trim)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Any:
    """glibc's ``malloc_trim``, looked up once (``None``: not glibc — the memory is reused,
    not returned). Not by ``ctypes.util.find_library``: it runs ``ldconfig`` in a
    subprocess each time, whose pipe a worker process forked meanwhile would hold open."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


class SnapshotStore:
    """``store`` whose :meth:`reader` and :meth:`graph` are the shared snapshot's.

    What the routes that read ``store.reader()`` per request (the explorer's)
    are given, so they share the server's state instead of opening the store.
    """

    def __init__(self, store: Store, snapshots: Snapshots) -> None:
        self._store = store
        self.snapshots = snapshots
        self.url = store.url
        self.capabilities = store.capabilities
        self.answers_in_store = snapshots.in_store

    def reader(self) -> GraphReader:
        return self.snapshots.reader()

    def graph(self) -> DutyGraph:
        return self.snapshots.graph()

    def write(self, plan: Callable[[DutyGraph], ChangeSet]) -> ChangeSet:
        return self._store.write(plan)

    def history(self) -> list[dict[str, Any]]:
        return self._store.history()

    def stamp(self) -> Hashable | None:
        return self.snapshots.stamp()

    def close(self) -> None:
        self._store.close()
