"""A server's whole graph kept across writes (#22 RSS after writes), on a real embedded store.

The store keeps the graph it last read and, after a small write, the write's
change set beside it (applied when the graph is next asked for). A reader
catching up while another write landed put its older graph back over the
writer's newer cache: the next read was a whole read of the store — seconds of
the server's interpreter lock, a second graph in memory meanwhile, and the
worker processes forked afresh (the graph was no longer a patched copy).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from dutygraph.analysis.disputes.lifecycle import open_dispute
from dutygraph.graph import DutyGraph
from dutygraph.store import EmbeddedStore


def whole_reads(store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that gets one item per whole read of ``store`` (its ``_load``) from now on."""
    loads: list[int] = []
    real_load = store._load

    def counted(conn: Any) -> DutyGraph:
        loads.append(1)
        return real_load(conn)

    monkeypatch.setattr(store, "_load", counted)
    return loads


def test_a_write_landing_while_the_graph_catches_up_is_not_lost_to_a_whole_read(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = EmbeddedStore(demo_db)
    open_dispute(store, ["N-GAS", "N-SAMR"], "BF-GYM-PREPAID", "000000", "2025-06-01", by="t")
    store.graph()  # held, at the first write
    open_dispute(store, ["N-GAS", "N-SAMR"], "I-FOOD", "000000", "2025-06-01", by="t")
    loads = whole_reads(store, monkeypatch)
    real = DutyGraph.with_changes
    raced: list[Any] = []

    def racing(self: DutyGraph, records: Any, duties: Any = None) -> DutyGraph | None:
        if not raced:  # another write lands while this reader applies the change set
            t = threading.Thread(
                target=lambda: raced.append(
                    open_dispute(
                        store, ["N-GAS", "N-SAMR"], "BF-ECIG", "000000", "2025-06-01", by="t"
                    )
                )
            )
            t.start()
            t.join()
        return real(self, records, duties)

    monkeypatch.setattr(DutyGraph, "with_changes", racing)
    caught_up = store.graph()
    latest = store.graph()
    assert raced and len(latest.disputes) == len(caught_up.disputes) + 1 == 3
    assert loads == []  # before: [1] — the store read whole again


def test_a_read_between_a_write_s_commit_and_its_cache_waits_instead_of_reading_whole(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request right after a commit sees the new write counter at once and starts the
    background read; it used to find the held graph still at the counter before (the write
    keeps its change set beside it just after the commit) and read the whole store."""
    store = EmbeddedStore(demo_db)
    store.graph()  # held
    loads = whole_reads(store, monkeypatch)
    real_after = store._after_write
    read: list[DutyGraph] = []

    def late(before: int, changes: Any) -> None:
        reader = threading.Thread(target=lambda: read.append(store.graph()))
        reader.start()  # committed, the change set not kept yet: a reader comes in now
        reader.join(0.5)
        real_after(before, changes)
        late.reader = reader  # type: ignore[attr-defined]

    monkeypatch.setattr(store, "_after_write", late)
    open_dispute(store, ["N-GAS", "N-SAMR"], "BF-GYM-PREPAID", "000000", "2025-06-01", by="t")
    late.reader.join(30)  # type: ignore[attr-defined]
    assert len(read) == 1 and len(read[0].disputes) == 1
    assert loads == []  # before: [1] — the reader read the store whole
