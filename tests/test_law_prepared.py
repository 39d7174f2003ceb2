"""The packaged corpus prepared once (issue #14, session 5: a question command must not parse
the packaged corpus each run): the first use writes its records to a file in the cache folder,
later uses answer from that file without reading the archive, a changed corpus gets a new
file, and a cache that cannot be written only costs time."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from dutygraph.io.laws import SAMPLE_CORPUS, prepared, read_corpus
from dutygraph.io.laws.prepared import packaged_records, prepared_lawbook, prepared_path
from dutygraph.lawbook import LawBook


def _answers(book: LawBook) -> dict[str, object]:
    law = book.law("食品安全法")
    assert law is not None
    version = book.version_at(law.id, "2025-06-01")
    assert version is not None
    article = book.article(version.id, "第一百一十条")
    assert article is not None
    return {
        "laws": sorted(book.laws),
        "versions": sorted((v.id, v.valid_from, v.valid_to) for v in book.versions.values()),
        "article": (article.id, article.paragraphs),
    }


@pytest.fixture
def corpus(tmp_path):
    """A copy of the sample corpus (its own digest: the tests may change it)."""
    return Path(shutil.copytree(SAMPLE_CORPUS, tmp_path / "laws"))


def test_the_second_use_answers_from_the_file_without_reading_the_corpus(
    corpus, tmp_path, monkeypatch
):
    cache = tmp_path / "cache"
    first = prepared_lawbook(corpus, cache)
    path = prepared_path(corpus, cache)
    assert path is not None and path.is_file()

    def no_parse(*_a, **_k):  # the archive must not be read again
        raise AssertionError("the corpus was parsed again")

    monkeypatch.setattr(prepared, "read_corpus", no_parse)
    prepared._corpus.cache_clear()
    again = prepared_lawbook(corpus, cache)
    assert _answers(again) == _answers(first)
    # an act's articles are read when one is asked for, all of them equal to the parsed ones
    law = again.law("农产品质量安全法")
    assert law is not None
    parsed = {a.id: a for a in first.articles_of(again.versions_of(law.id)[-1].id)}
    assert {a.id: a for a in again.articles_of(again.versions_of(law.id)[-1].id)} == parsed


def test_a_changed_corpus_is_prepared_again(corpus, tmp_path):
    cache = tmp_path / "cache"
    before = prepared_path(corpus, cache)
    prepared_lawbook(corpus, cache)
    food = corpus / "行政法" / "食品安全法(2021-04-29).md"
    food.write_text(
        food.read_text(encoding="utf-8").replace("第一百一十条 ", "第一百一十条 （改）"),
        encoding="utf-8",
    )
    prepared._digest.cache_clear()
    prepared._corpus.cache_clear()
    after = prepared_path(corpus, cache)
    assert after != before
    book = prepared_lawbook(corpus, cache)
    assert _answers(book)["article"][1][0].startswith("（改）")  # type: ignore[index]
    assert after is not None and after.is_file()
    # the old digest's file was used a moment ago (another installation may still use it):
    # kept; once nobody has used it for a day, the next use of the new one sweeps it
    assert before is not None and before.exists()
    _age(before, 2 * 24 * 3600)
    _age(after, 2 * 3600)  # its own use is marked at most once an hour
    prepared_lawbook(corpus, cache)
    assert not before.exists()
    assert sorted(p.name for p in cache.iterdir()) == [after.name]
    assert time.time() - after.stat().st_mtime < 60  # marked used


def _age(path, seconds):  # type: ignore[no-untyped-def]
    st = path.stat()
    os.utime(path, (st.st_atime - seconds, st.st_mtime - seconds))


def test_two_installations_keep_each_others_files(corpus, tmp_path):
    """Two versions of the code on one machine (a server and a newer command line) prepare
    files of two digests; each keeps the other's while it is in use, so neither parses the
    corpus again on its next start."""
    cache = tmp_path / "cache"
    prepared_lawbook(corpus, cache)
    mine = prepared_path(corpus, cache)
    assert mine is not None
    theirs = cache / f"laws-{'e' * 20}.sqlite"
    shutil.copyfile(mine, theirs)  # the other installation's, used just now
    mine.unlink()
    prepared._corpus.cache_clear()
    prepared_lawbook(corpus, cache)  # this one prepares its file again: writing sweeps
    assert theirs.exists() and mine.is_file()
    _age(mine, 2 * 3600)
    prepared_lawbook(corpus, cache)  # reading marks its own use and sweeps
    assert theirs.exists()


def test_writing_a_new_file_sweeps_only_stale_files_of_our_own_naming(corpus, tmp_path):
    """Prepared files of other digests go when a new one is written; a file being written
    aside by another process, the word indexes assign keeps in the same folder and any
    other name stay; an aside no writer has touched for a day is a dead writer's and goes."""
    cache = tmp_path / "cache"
    cache.mkdir()
    other = "0123456789abcdef0123"
    names = {
        f"laws-{other}.sqlite": False,  # another digest's prepared file, unused for two days
        f"laws-{other}.sqlite-journal": False,  # and SQLite's file beside it
        f"laws-{'a' * 20}.sqlite": True,  # another digest's, in use
        f"laws-{other}.k3j_9x.tmp": True,  # being written by another process right now
        f"laws-{'f' * 20}.q8w2e1.tmp": False,  # written aside two days ago, never renamed
        f"assign-indexes-{other}.marshal": True,  # assign's stored word indexes
        "laws-notes.sqlite": True,  # not our pattern (no digest)
        "README": True,
    }
    for name in names:
        (cache / name).write_bytes(b"x" * 64)
    two_days = 2 * 24 * 3600
    for name in (
        f"laws-{'f' * 20}.q8w2e1.tmp",
        f"laws-{other}.sqlite",
        f"laws-{other}.sqlite-journal",
    ):
        _age(cache / name, two_days)
    book = prepared_lawbook(corpus, cache)
    path = prepared_path(corpus, cache)
    assert path is not None and path.is_file()
    left = {p.name for p in cache.iterdir()}
    assert left == {path.name} | {n for n, stays in names.items() if stays}
    assert _answers(book)["article"][0].endswith("#110")  # type: ignore[index]
    # reading a file used within the hour writes nothing, so it sweeps nothing
    (cache / f"laws-{other}.sqlite").write_bytes(b"x")
    _age(cache / f"laws-{other}.sqlite", two_days)
    prepared_lawbook(corpus, cache)
    assert (cache / f"laws-{other}.sqlite").exists()


def test_a_reader_of_a_swept_file_keeps_answering(corpus, tmp_path):
    """A process holding a book of the old file while another writes the new digest's file
    (and sweeps the old one) reads the articles it has not read yet from the corpus."""
    cache = tmp_path / "cache"
    prepared_lawbook(corpus, cache)
    old_book = prepared_lawbook(corpus, cache)  # from the file: articles read on demand
    old = prepared_path(corpus, cache)
    assert old is not None and old.is_file()
    fake = cache / f"laws-{'e' * 20}.sqlite"
    shutil.copyfile(old, fake)
    later = time.time() + prepared.ABANDONED_AFTER + 60  # a day on, nobody using it
    assert prepared.sweep(fake, now=later) == [old]  # as the other digest's writer would
    assert not old.exists()
    assert _answers(old_book)["article"][0].endswith("#110")  # type: ignore[index]


def test_an_unwritable_or_disabled_cache_only_costs_time(corpus, tmp_path, monkeypatch):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    book = prepared_lawbook(corpus, blocked / "cache")
    assert _answers(book)["article"][0].endswith("#110")  # type: ignore[index]
    monkeypatch.setenv(prepared.CACHE_ENV, "off")
    assert prepared.cache_dir() is None
    assert _answers(prepared_lawbook(corpus)) == _answers(book)


def test_a_load_merges_over_the_prepared_records(corpus, tmp_path):
    """What a first load comes on top of: every act and version, and the articles of only
    the versions the load does not bring itself."""
    cache = tmp_path / "cache"
    parsed = read_corpus(corpus)
    mine = {v.id for v in parsed.versions() if v.title.endswith("食品安全法")}
    records = packaged_records(mine, corpus, cache)
    kinds = {r.label for r in records}
    assert kinds == {"law", "law_version", "article"}
    assert {r.id for r in records if r.label == "law_version"} == {v.id for v in parsed.versions()}
    assert not [r for r in records if r.label == "article" and r.version in mine]
    assert sum(1 for r in records if r.label == "article") == sum(
        len(v.articles) for v in parsed.versions() if v.id not in mine
    )


def test_a_question_command_prepares_the_cache_once(cli_env, tmp_path):
    """``dutygraph lead … --json`` on a store without a corpus writes the prepared file on its
    first run and reads it on the next; the answers are the same."""
    run, env = cli_env
    cache = tmp_path / "qcache"
    env[prepared.CACHE_ENV] = str(cache)
    store = str(tmp_path / "demo.db")
    run(["demo", "--store", store], env)
    assert list(cache.glob("laws-*.sqlite"))  # the demo's answers already read the law
    made = {p: p.stat().st_mtime_ns for p in cache.glob("laws-*.sqlite")}
    args = [
        "lead",
        "食品安全监督管理",
        "锦江区",
        "--as-of",
        "2025-06-01",
        "--store",
        store,
        "--json",
    ]
    first = json.loads(run(args, env))
    second = json.loads(run(args, env))
    assert first == second
    assert {p: p.stat().st_mtime_ns for p in cache.glob("laws-*.sqlite")} == made
    bases = first["answers"][0]["evidence"][0]["bases"]
    assert any(p["text"] for b in bases for p in b.get("provisions", []))


@pytest.fixture
def cli_env():
    import subprocess
    import sys

    def run(args: list[str], env: dict[str, str]) -> str:
        proc = subprocess.run(
            [sys.executable, "-m", "dutygraph", *args],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    return run, dict(os.environ)


def test_a_prepared_file_that_goes_away_is_read_around(corpus, tmp_path):
    """The acts are read at once, an act's articles later: a file removed (or damaged) in
    between is no error, the articles come from the corpus itself."""
    cache = tmp_path / "cache"
    prepared_lawbook(corpus, cache)
    book = prepared_lawbook(corpus, cache)
    path = prepared_path(corpus, cache)
    assert path is not None
    path.write_bytes(b"not a database")
    assert _answers(book)["article"][0].endswith("#110")  # type: ignore[index]
    path.unlink()
    again = prepared_lawbook(corpus, cache)  # prepares it anew
    assert _answers(again) == _answers(book) and path.is_file()
