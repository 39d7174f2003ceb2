"""How far two careful readers of the same texts agree, beside the extractor (issue #14 item 4).

fresh8's 25 texts were read twice, blind to each other: ``tests/data/competence_fresh8.csv``
(fresh8a + fresh8b, session 13) and ``tests/data/competence_fresh8_second.csv`` (fresh8r, the
same draw read again by a third engineer who never opened the first reading). Each reading is
scored against the other with :mod:`competence_eval`'s own matcher, so the extractor's precision
on a sample can be set against what a second human reader reaches on it. Then the extractors
against each reading, and against *either* (a found clause counts as right when one of the two
readers wrote it; recall against the clauses both wrote).

    python benchmarks/competence_agreement.py   # -> results/competence_agreement.txt
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import competence_eval as ce  # noqa: E402

FIRST = ce.ROOT / "tests" / "data" / "competence_fresh8.csv"
SECOND = ce.ROOT / "tests" / "data" / "competence_fresh8_second.csv"
RESULT = HERE / "results" / "competence_agreement.txt"


def _score(found: dict, gold: dict, lenient: bool) -> tuple[int, int, int, int, int]:
    tp = sum(ce._matched(found.get(v, set()), gold[v], lenient) for v in gold)
    nfound = sum(len(found.get(v, set())) for v in gold)
    ngold = sum(len(gold[v]) for v in gold)
    texts = [v for v in gold if gold[v]]
    return tp, nfound, ngold, sum(1 for v in texts if found.get(v)), len(texts)


def _line(name: str, s: tuple[int, int, int, int, int]) -> str:
    tp, nf, ng, cov, nt = s
    return (
        f"{name}: coverage {cov}/{nt} = {cov / max(nt, 1):.1%}, precision {tp}/{nf} = "
        f"{tp / max(nf, 1):.1%}, recall {tp}/{ng} = {tp / max(ng, 1):.1%}"
    )


def main() -> int:
    first, _ = ce.read_sample(FIRST)
    second, _ = ce.read_sample(SECOND)
    assert set(first) == set(second), "the two readings must cover the same texts"
    versions = [v for v in ce.in_force(ce.packaged_corpus()) if v.id in first]
    lines = [
        "# two readings of fresh8's 25 texts, and the extractors — python benchmarks/competence_agreement.py",
        f"# first: {FIRST.name}; second: {SECOND.name}",
        "",
    ]
    for lenient in (False, True):
        how = "lenient" if lenient else "strict"
        lines.append(f"## {how} match")
        lines.append(
            _line("second reading scored against the first", _score(second, first, lenient))
        )
        lines.append(
            _line("first reading scored against the second", _score(first, second, lenient))
        )
        for name, find in (("extract", ce.method), ("extract_by_rules", ce.rules)):
            found = {v.id: set(find(v)) for v in versions}
            lines.append(_line(f"{name} against the first", _score(found, first, lenient)))
            lines.append(_line(f"{name} against the second", _score(found, second, lenient)))
            # right when either reader wrote it: matched against the union, one to one
            either = {v: first[v] | second[v] for v in first}
            tp = sum(ce._matched(found[v], either[v], lenient) for v in first)
            nf = sum(len(found[v]) for v in first)
            both = {
                v: {k for k in first[v] if any(ce._same(k, s, lenient) for s in second[v])}
                for v in first
            }
            tpb = sum(ce._matched(found[v], both[v], lenient) for v in first)
            nb = sum(len(both[v]) for v in first)
            lines.append(
                f"{name} against either reading: precision {tp}/{nf} = {tp / max(nf, 1):.1%}; "
                f"recall of the clauses both wrote {tpb}/{nb} = {tpb / max(nb, 1):.1%}"
            )
        lines.append("")
    text = "\n".join(lines)
    print(text)
    RESULT.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
