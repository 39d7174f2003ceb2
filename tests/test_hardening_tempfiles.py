"""A link planted where the store writes a temporary file is never followed (#22 item 5).

The embedded store keeps the whole graph's columns beside its file
(``.NAME.graph-cache``), written to a temporary file and renamed into place.
That temporary file was ``NAME.tmp-<pid>``, opened following links: a link
planted at that name made the writer overwrite the link's target, then put the
link in the cache's place.
"""

from __future__ import annotations

import os
from pathlib import Path

from dutygraph.fixtures import DEMO_PATH
from dutygraph.importer import load
from dutygraph.store import EmbeddedStore
from dutygraph.store.sqlite import snapshot


def test_a_link_planted_at_the_cache_temporary_name_is_not_followed(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    load(EmbeddedStore(db), [DEMO_PATH])
    cache = snapshot.path_of(db)
    cache.unlink(missing_ok=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("不能被覆盖 (must not be overwritten)", encoding="utf-8")
    planted = cache.with_name(f"{cache.name}.tmp-{os.getpid()}")  # the name it was written at
    planted.symlink_to(victim)

    graph = EmbeddedStore(db).graph()  # a whole read keeps the columns beside the file

    assert victim.read_text(encoding="utf-8") == "不能被覆盖 (must not be overwritten)"
    assert cache.is_file() and not cache.is_symlink()
    assert planted.is_symlink()  # left where it was planted, not moved into the cache's place
    again = EmbeddedStore(db).graph()  # and the cache kept is the graph's
    assert sorted(again.duties) == sorted(graph.duties)
    assert [p for p in tmp_path.iterdir() if ".tmp-" in p.name] == [planted]
