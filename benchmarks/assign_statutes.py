"""Latency of ``assign`` with the statute index's character index and with the old scan, in one run.

    python benchmarks/assign_statutes.py [--out results/assign_statutes_s14.txt]

The statute index (:class:`dutygraph.analysis.match.StatuteIndex`) finds the acts whose head
holds a word. Session 14 finds them through an index of each head's characters (the heads
holding all of the word's characters), then counts the word in those heads only; before, one
``str.find`` scan ran over all heads joined (2.3 M characters). Every case of the tuning sets
and the settled set is asked warm with each way in turn, case by case (a busy machine slows
both alike), with the index's word memo and the stand-ins' cache cleared before each ask (its
words new). Also: the acts each way finds for every word asked (they must agree), the heads
counted per word (a deterministic counter), and the character index's build time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from bisect import bisect_right
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "tests" / "data"
AS_OF = "2025-06-01"

from bench_out import emit  # noqa: E402

from dutygraph.analysis import match, near  # noqa: E402
from dutygraph.analysis.assign import assign_business_form  # noqa: E402
from dutygraph.analysis.assign_eval import FIT_SETS, read_eval_cases  # noqa: E402
from dutygraph.fixtures import catalogue_graph  # noqa: E402


class Scan:
    """The old lookup (main b5713a2): one ``str.find`` scan over all heads joined."""

    def __init__(self, texts: list[str]) -> None:
        self.starts, at = [], 0
        for t in texts:
            self.starts.append(at)
            at += len(t) + 1
        self.text = "\x00".join(texts)

    def find(self, word: str) -> dict[int, int]:
        out: dict[int, int] = {}
        at = self.text.find(word)
        while at >= 0:
            k = bisect_right(self.starts, at) - 1
            out[k] = out.get(k, 0) + 1
            at = self.text.find(word, at + len(word))
        return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    g = catalogue_graph()
    ix = match.indexes(g, AS_OF)
    statutes = ix.statutes
    texts = [st.text for st in statutes.statutes]
    t = time.perf_counter()
    match.StatuteIndex(statutes.statutes)
    build = time.perf_counter() - t
    scan = Scan(texts)
    shipped = statutes._find
    cases = [c for n in (*FIT_SETS, "assign_eval.csv") for c in read_eval_cases(DATA / n)]
    assign_business_form(g, "预热", "预热一下", as_of=AS_OF)
    lat: dict[str, list[float]] = {"index": [], "scan": []}
    words: set[str] = set()
    for c in cases:
        words |= {w.text for w in match.query_words(ix, c.name, c.description)}
        for way in ("index", "scan"):
            statutes._find = shipped if way == "index" else scan.find  # type: ignore[method-assign]
            statutes._memo.clear()
            near.composed.cache_clear()
            t = time.perf_counter()
            assign_business_form(g, c.name, c.description, c.behaviors, as_of=AS_OF)
            lat[way].append(time.perf_counter() - t)
    statutes._find = shipped  # type: ignore[method-assign]
    statutes._memo.clear()
    words_l = sorted(w for w in words if len(w) >= 2)
    differ = [w for w in words_l if shipped(w) != scan.find(w)]
    counted = []
    for w in words_l:
        heads = [statutes._chars.get(ch, frozenset()) for ch in set(w)]
        counted.append(len(frozenset.intersection(*heads)) if heads else 0)
    lines = [
        f"{len(cases)} cases, each asked with the character index and with the old scan in turn "
        "(warm; the word memo and the stand-ins' cache cleared before each ask)"
    ]
    for way, label in (
        ("index", "character index (shipped)"),
        ("scan", "str.find scan (baseline)"),
    ):
        xs = lat[way]
        lines.append(
            f"  {label:<27} median {statistics.median(xs) * 1e3:.2f} ms, "
            f"p90 {sorted(xs)[int(0.9 * len(xs))] * 1e3:.2f} ms, max {max(xs) * 1e3:.2f} ms"
        )
    ratio = statistics.median(lat["index"]) / statistics.median(lat["scan"])
    lines.append(f"  ratio of the medians {ratio:.2f}")
    lines.append(
        f"{len(words_l)} distinct words asked: the two ways find different acts for {len(differ)}"
        f"{' (' + '、'.join(differ[:5]) + ')' if differ else ''}; heads counted per word: median "
        f"{statistics.median(counted):.0f}, max {max(counted)} of {len(texts)} "
        f"(the scan reads all {len(scan.text):,} characters)"
    )
    lines.append(f"character index built in {build:.2f} s ({len(statutes._chars)} characters)")
    emit(lines, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
