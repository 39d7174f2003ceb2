"""The packaged corpus prepared once: its records in a SQLite file in the user's cache.

Reading the corpus the package ships (:func:`~dutygraph.io.laws.parse.packaged_corpus`:
1,071 files out of an xz archive, parsed) takes a few seconds — too long for every
question command (``dutygraph lead … --json`` on a store that holds no corpus) and for
every ``dutygraph load`` of a corpus, which comes on top of the packaged one. So the
first use parses it once and writes its acts, versions and articles, as the store
writes them (:mod:`dutygraph.store.sqlite.schema`'s law tables), to
``laws-<digest>.sqlite`` in :func:`cache_dir`; later uses read the acts and versions
from that file (a few milliseconds) and an act's articles when one is asked for
(one indexed query).

The file's name carries a digest of the archive and of the code that reads it, so a
new corpus or a new parser prepares a new file and never reads a stale one. Each use
marks its file used (its modification time), and writing or reading one sweeps from the
folder the prepared files of other digests that no process has used for a day
(:func:`sweep`: each is tens of megabytes). Two installations of different versions on
one machine (a server and a newer command line; a test run of a branch) each keep their
own file rather than sweeping the other's, which would make it parse the corpus again
(seconds) on its next start, or on its next article if it is running. A cache
that cannot be written (a read-only home, ``DUTYGRAPH_CACHE=off``) only costs time:
the corpus is then parsed in the process, as before.

>>> import tempfile
>>> from dutygraph.io.laws import SAMPLE_CORPUS
>>> where = Path(tempfile.mkdtemp())
>>> first = prepared_lawbook(SAMPLE_CORPUS, where)      # parsed, and the file written
>>> sorted(p.suffix for p in where.iterdir())
['.sqlite']
>>> again = prepared_lawbook(SAMPLE_CORPUS, where)      # read from the file
>>> law = again.law("食品安全法")
>>> again.article(again.version_at(law.id, "2025-06-01").id, "第一百一十条").name
'第一百一十条'
>>> sorted(again.laws) == sorted(first.laws)
True
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import sqlite3
import tempfile
import time
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from ...config import CACHE_ENV, caches_off
from ...lawbook import LawBook
from ...model import LawArticle
from ...store.sqlite.schema import TABLES
from .parse import PACKAGED_CORPUS, read_corpus
from .records import act_record, article_records, corpus_records, version_record

__all__ = [
    "CACHE_ENV",
    "cache_dir",
    "packaged_records",
    "prepared_lawbook",
    "prepared_path",
    "sweep",
]

_KINDS = ("law", "law_version", "article")
#: the code whose change makes a prepared file stale (with the archive itself)
_CODE = ("parse.py", "records.py", "../../model.py", "../../store/sqlite/schema.py")


def cache_dir() -> Path | None:
    """Where prepared files go: ``$DUTYGRAPH_CACHE``, else ``$XDG_CACHE_HOME/dutygraph``,
    else ``~/.cache/dutygraph``; ``None`` when ``DUTYGRAPH_CACHE=off``."""
    if caches_off():
        return None
    named = os.environ.get(CACHE_ENV)
    if named:
        return Path(named)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dutygraph"


@functools.cache
def _digest(source: Path) -> str:
    h = hashlib.sha256()
    if source.is_dir():
        for f in sorted(source.rglob("*")):
            if f.is_file():
                h.update(str(f.relative_to(source)).encode())
                h.update(f.read_bytes())
    else:
        h.update(source.read_bytes())
    here = Path(__file__).resolve().parent
    for rel in _CODE:
        h.update((here / rel).read_bytes())
    return h.hexdigest()[:20]


def prepared_path(source: Path = PACKAGED_CORPUS, where: Path | None = None) -> Path | None:
    """The prepared file of the corpus at ``source`` (``None``: no cache)."""
    folder = where if where is not None else cache_dir()
    if folder is None:
        return None
    try:
        digest = _digest(Path(source))
    except OSError:  # the corpus or the code cannot be read to name the file: no cache
        return None
    return folder / f"laws-{digest}.sqlite"


#: a prepared file (and SQLite's files beside it), as :func:`prepared_path` names it
_PREPARED = re.compile(r"laws-[0-9a-f]{20}\.sqlite(?:-journal|-wal|-shm)?")
#: a file being written aside by :func:`_write` (``mkstemp``'s name), and SQLite's beside it
_ASIDE = re.compile(r"laws-[0-9a-f]{20}\.[A-Za-z0-9_]+\.tmp(?:-journal|-wal|-shm)?")
#: an aside untouched this long was left by a writer that died (a write takes seconds); a
#: prepared file of another digest unused this long is no installation's any more
ABANDONED_AFTER = 24 * 3600.0


def sweep(keep: Path, now: float | None = None) -> list[Path]:
    """Remove from ``keep``'s folder the prepared files of other digests that no process has
    used, and the files written aside that no writer has touched, for :data:`ABANDONED_AFTER`
    seconds; the removed paths.

    Only names of this module's own patterns are touched (the word indexes
    :mod:`dutygraph.analysis.match` keeps in the same folder, and anything else, stay). A
    file still being written is an aside (``laws-<digest>.<random>.tmp``: written aside,
    then renamed), so it is never taken while fresh. A reader of a removed file is no
    error: its book reads the corpus itself for the articles it has not read yet
    (:func:`_book_from_file`). A file that cannot be removed is left.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> for name in ("laws-" + "a" * 20 + ".sqlite", "laws-" + "b" * 20 + ".sqlite",
    ...              "laws-" + "c" * 20 + ".x1y2.tmp", "assign-indexes-" + "d" * 20 + ".marshal"):
    ...     _ = (folder / name).write_bytes(b"")
    >>> sweep(folder / ("laws-" + "a" * 20 + ".sqlite"))  # all in use (just written)
    []
    >>> later = time.time() + ABANDONED_AFTER + 60
    >>> [p.name for p in sweep(folder / ("laws-" + "a" * 20 + ".sqlite"), now=later)]
    ['laws-bbbbbbbbbbbbbbbbbbbb.sqlite', 'laws-cccccccccccccccccccc.x1y2.tmp']
    >>> sorted(p.name[:7] for p in folder.iterdir())
    ['assign-', 'laws-aa']
    """
    now = time.time() if now is None else now
    mine = keep.name
    removed: list[Path] = []
    try:
        entries = list(keep.parent.iterdir())
    except OSError:
        return removed
    for p in sorted(entries):
        name = p.name
        if name.startswith(mine):  # the file kept, and SQLite's files beside it
            continue
        if _PREPARED.fullmatch(name) or _ASIDE.fullmatch(name):
            try:
                stale = now - p.stat().st_mtime > ABANDONED_AFTER
            except OSError:
                continue
        else:
            continue
        if stale:
            try:
                p.unlink()
            except OSError:
                continue
            removed.append(p)
    return removed


#: a file's use is marked (and the folder swept) at most this often
_MARK_EVERY = 3600.0


def _mark_used(path: Path, now: float | None = None) -> None:
    """Mark the prepared file at ``path`` used now (its modification time, so another
    installation's :func:`sweep` leaves it), and sweep the folder; at most once an hour
    (the common case is one ``stat``). A file that cannot be marked is left as it is."""
    now = time.time() if now is None else now
    try:
        if now - path.stat().st_mtime < _MARK_EVERY:
            return
        os.utime(path, (now, now))
    except OSError:
        return
    sweep(path, now)


def _write(path: Path, records: Iterator[Any]) -> None:
    """The records into a new file at ``path``, atomically (written aside, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.stem + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp)
        try:
            by_kind: dict[str, list[Any]] = {k: [] for k in _KINDS}
            for r in records:
                by_kind[r.label].append(r)
            with conn:
                for kind in _KINDS:
                    table = TABLES[kind]
                    for stmt in table.ddl():
                        conn.execute(stmt)
                    conn.executemany(table.upsert_sql(), [table.encode(r) for r in by_kind[kind]])
        finally:
            conn.close()
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _prepare(source: Path, where: Path | None) -> Path | None:
    """The prepared file of ``source``, written now if missing (``None``: it cannot be)."""
    path = prepared_path(source, where)
    if path is None:
        return None
    if path.is_file():
        return path
    try:
        _write(path, corpus_records(_corpus(source)))
    except (OSError, sqlite3.Error):
        return None  # a cache we cannot write only costs time
    sweep(path)
    return path


@functools.cache
def _corpus(source: Path) -> Any:
    from .parse import packaged_corpus

    return packaged_corpus() if source == PACKAGED_CORPUS else read_corpus(source)


def _select(path: Path, kind: str, where: str = "", params: tuple[Any, ...] = ()) -> list[Any]:
    table = TABLES[kind]
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute(table.select_sql(where), params).fetchall()
    finally:
        conn.close()
    return table.decode(rows)


def _book_from_file(path: Path, source: Path) -> LawBook:
    laws = {r.id: r for r in _select(path, "law")}
    versions = {r.id: r for r in _select(path, "law_version")}

    @functools.cache
    def articles_of_law(law: str) -> list[LawArticle]:
        # a connection per call: the book is shared by the server's threads
        try:
            return _select(path, "article", "law = ?", (law,))
        except sqlite3.Error:  # the file went away or is damaged: read the corpus itself
            return _articles_parsed(source, law)

    return LawBook(laws, versions, articles_of_law)


def _articles_parsed(source: Path | Any, law: str) -> list[LawArticle]:
    """The articles of act ``law`` of a corpus (or of the one at a path), parsed."""
    corpus = _corpus(source) if isinstance(source, Path) else source
    act = corpus.acts.get(law)
    return [] if act is None else [a for v in act.versions for a in article_records(v)]


def _book_from_corpus(source: Path) -> LawBook:
    corpus = _corpus(source)
    laws = {act.id: act_record(act) for act in corpus.acts.values()}
    versions = {v.id: version_record(v) for v in corpus.versions()}

    @functools.cache
    def articles_of_law(law: str) -> list[LawArticle]:
        return _articles_parsed(corpus, law)

    return LawBook(laws, versions, articles_of_law)


def prepared_lawbook(source: Path = PACKAGED_CORPUS, where: Path | None = None) -> LawBook:
    """The corpus at ``source`` (default: the packaged one) as a :class:`~dutygraph.lawbook.LawBook`,
    from its prepared file (written on first use; ``where``: the cache folder)."""
    source = Path(source)
    path = prepared_path(source, where)
    if path is not None and path.is_file():
        try:
            book = _book_from_file(path, source)
        except sqlite3.Error:
            pass  # a damaged file: read the corpus, and prepare it again
        else:
            _mark_used(path)
            return book
    book = _book_from_corpus(source)
    if path is not None:
        with contextlib.suppress(OSError, sqlite3.Error):
            if path.is_file():
                path.unlink()
            _prepare(source, where)
    return book


def packaged_records(
    skip_versions: Collection[str] = (),
    source: Path = PACKAGED_CORPUS,
    where: Path | None = None,
) -> list[Any]:
    """Every act and version of the corpus at ``source`` as records, and the articles of
    its versions but those of ``skip_versions`` (the ones a load brings itself, whose
    articles it replaces): what a first load merges over (:mod:`.load`)."""
    source = Path(source)
    skip = set(skip_versions)
    path = _prepare(source, where)
    if path is not None:
        try:
            laws = _select(path, "law")
            versions = _select(path, "law_version")
            keep = [v.id for v in versions if v.id not in skip]
            articles: list[Any] = []
            for i in range(0, len(keep), 500):
                chunk = keep[i : i + 500]
                marks = ", ".join("?" for _ in chunk)
                articles += _select(path, "article", f"version IN ({marks})", tuple(chunk))
            return [*laws, *versions, *articles]
        except sqlite3.Error:
            pass
    return [
        r for r in corpus_records(_corpus(source)) if r.label != "article" or r.version not in skip
    ]
