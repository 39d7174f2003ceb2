"""A scan's answer kept beside the store per state: a repeated ``gaps --json`` reads it, and
never one of another state, of other code, a damaged one, or any with ``DUTYGRAPH_CACHE=off``."""

from __future__ import annotations

import json

import pytest

from dutygraph.analysis.disputes import open_dispute
from dutygraph.cli.scan import answer_key
from dutygraph.fixtures import DEMO_PATH
from dutygraph.store import EmbeddedStore
from dutygraph.store.sqlite import answers

AS_OF = "2025-06-01"
PLANTED = b'[{"planted":true}]'


def plant(path, scan="gaps", kinds=None):
    """Keep a made-up answer for the CLI's question on the store's current state."""
    answers.path_of(path).unlink(missing_ok=True)
    r = EmbeddedStore(path).reader()
    try:
        got = r.kept_answer(answer_key(scan, None, AS_OF, kinds), lambda: PLANTED)
    finally:
        r.close()
    assert got == PLANTED


def test_a_repeated_question_is_computed_once_per_state(demo_db):
    calls = []

    def compute():
        calls.append(1)
        return b"[%d]" % len(calls)

    def ask(key="q"):
        r = EmbeddedStore(demo_db).reader()
        try:
            return r.kept_answer(key, compute)
        finally:
            r.close()

    assert ask() == ask() == b"[1]" and len(calls) == 1
    assert ask("other") == b"[2]" and ask() == b"[1]"  # several questions kept for one state
    open_dispute(
        EmbeddedStore(demo_db), ["JJ-SCJ", "JJ-WJJ"], "I-FOOD", "510104", "2025-01-05", by="a"
    )
    assert ask() == b"[3]" and ask("other") == b"[4]"  # a write: every answer worked out again


def test_the_cli_reads_the_kept_answer_and_prints_it_as_asked(cli):
    cli("load", str(DEMO_PATH))
    real = cli("gaps", "--as-of", AS_OF, "--json")
    assert real and answers.path_of(cli.store_path).exists()
    assert cli("gaps", "--as-of", AS_OF, "--json") == real  # from the file: the same rows
    plant(cli.store_path)
    assert cli("gaps", "--as-of", AS_OF, "--json") == [{"planted": True}]
    pretty = cli("gaps", "--as-of", AS_OF, "--json", "--pretty", check=False).stdout
    assert pretty == '[\n  {\n    "planted": true\n  }\n]\n'
    assert cli("gaps", "--as-of", AS_OF, "--ndjson").stdout == '{"planted":true}\n'
    # another question is not this one's answer
    assert cli("gaps", "--as-of", "2025-01-01", "--json") != [{"planted": True}]
    assert cli("gaps", "--as-of", AS_OF, "--json", "--kind", "NO_LEAD") != [{"planted": True}]
    assert cli("conflicts", "--as-of", AS_OF, "--json") != [{"planted": True}]
    # the cache off: computed, and nothing read or kept
    kept = answers.path_of(cli.store_path).read_bytes()
    assert cli("gaps", "--as-of", AS_OF, "--json", env={"DUTYGRAPH_CACHE": "off"}) == real
    assert answers.path_of(cli.store_path).read_bytes() == kept


def test_a_write_makes_the_kept_answer_stale(cli):
    cli("load", str(DEMO_PATH))
    real = cli("conflicts", "--as-of", AS_OF, "--json")
    plant(cli.store_path, "conflicts")
    assert cli("conflicts", "--as-of", AS_OF, "--json") == [{"planted": True}]
    opened = ("--party", "JJ-SCJ", "--party", "JJ-WJJ", "--subject", "I-FOOD")
    cli("dispute", "open", *opened, "--region", "510104", "--raised-on", "2025-01-05", "--by", "a")
    after = cli("conflicts", "--as-of", AS_OF, "--json")
    assert after != [{"planted": True}] and len(after) == len(real) + 1


def test_ndjson_streams_and_keeps_the_same_rows(cli):
    cli("load", str(DEMO_PATH))
    first = cli("gaps", "--as-of", AS_OF, "--ndjson").stdout  # computed, streamed, kept
    assert answers.path_of(cli.store_path).exists()
    assert cli("gaps", "--as-of", AS_OF, "--ndjson").stdout == first  # from the file
    listed = cli("gaps", "--as-of", AS_OF, "--json")
    assert [json.loads(line) for line in first.splitlines()] == listed


@pytest.mark.parametrize("damage", ["junk", "truncated", "empty", "other code"])
def test_a_damaged_or_foreign_file_is_only_a_miss(demo_db, damage, monkeypatch):
    r = EmbeddedStore(demo_db).reader()
    assert r.kept_answer("q", lambda: b"[1]") == b"[1]"
    r.close()
    kept = answers.path_of(demo_db)
    data = kept.read_bytes()
    if damage == "junk":
        kept.write_bytes(b"not a cache")
    elif damage == "truncated":
        kept.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        kept.write_bytes(b"")
    else:
        monkeypatch.setattr(answers, "code_stamp", lambda: ("another version",))
    r = EmbeddedStore(demo_db).reader()
    assert r.kept_answer("q", lambda: b"[2]") == b"[2]"
    r.close()
