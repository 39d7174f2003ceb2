"""One read-only state shared by every request of a server: the newest snapshot of the store.

A request does not open the store: it asks :class:`Snapshots` for the current
:class:`Snapshot` — a reader on one state of the store, with the answers
already given on it (:attr:`Snapshot.answers`). Which state is current is told
by the store's :meth:`~dutygraph.store.base.Store.stamp` (tens of microseconds
for the embedded store), asked once per request:

* at start, and right after a write (by this server or any other process),
  requests are answered from the store's lazy reader
  (:meth:`~dutygraph.store.base.Store.reader`: indexed queries, ready at once)
  while a background thread reads the whole graph;
* once read, the whole graph answers (every question in memory), until the
  stamp changes again.

A store that cannot tell its stamp cheaply (``stamp()`` is ``None``) is read
afresh for every request, as before.

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
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable
from typing import Any

from ..graph import DutyGraph
from ..reader import GraphReader
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

    Parameters
    ----------
    store : Store
    background : read the whole graph in a background thread (``False``: when
        first asked for it by :meth:`graph`, in the caller's thread)
    """

    def __init__(self, store: Store, *, background: bool = True) -> None:
        self.store = store
        self.background = background
        self._lock = threading.Lock()
        self._snap: Snapshot | None = None
        self._graph: tuple[Hashable, DutyGraph] | None = None
        self._loading: tuple[Hashable, threading.Event] | None = None

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
            graph = self._graph
            if graph is not None and graph[0] == stamp:
                snap = Snapshot(graph[1], stamp)
            else:
                snap = Snapshot(self.store.reader(), stamp)
                if self.background:
                    self._start_loading(stamp)
            self._snap = snap
            return snap

    def reader(self) -> GraphReader:
        """The current snapshot's reader."""
        return self.current().reader

    def graph(self) -> DutyGraph:
        """The whole graph of the current state (waits for the background read, or reads it)."""
        snap = self.current()
        if isinstance(snap.reader, DutyGraph):
            return snap.reader
        if snap.stamp is None:
            return self.store.graph()
        with self._lock:
            loading = self._loading
        if loading is not None and loading[0] == snap.stamp:
            loading[1].wait()
        else:
            self._load(snap.stamp)
        held = self._graph
        if held is not None and held[0] == snap.stamp:
            return held[1]
        return self.store.graph()  # the store moved on while we read: its newest

    def _start_loading(self, stamp: Hashable) -> None:
        if self._loading is not None and self._loading[0] == stamp:
            return
        done = threading.Event()
        self._loading = (stamp, done)

        def run() -> None:
            try:
                self._load(stamp)
            except Exception:  # the lazy reader keeps answering; say why in the log
                log.exception("reading the whole graph in the background failed")
            finally:
                done.set()

        threading.Thread(target=run, name="dutygraph-snapshot", daemon=True).start()

    def _load(self, stamp: Hashable) -> None:
        """Read the whole graph; make it current if the store is still at ``stamp``."""
        graph = self.store.graph()
        with self._lock:
            if self.stamp() != stamp:
                return  # written meanwhile: the next request starts over
            self._graph = (stamp, graph)
            snap = self._snap
            if snap is not None and snap.stamp == stamp:
                fresh = Snapshot(graph, stamp)
                fresh.answers = snap.answers  # same state: the answers stand
                self._snap = fresh

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a background read of the whole graph (tests, benchmarks); whether it is done."""
        loading = self._loading
        return loading[1].wait(timeout) if loading is not None else True


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
