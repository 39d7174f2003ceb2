"""How far two careful readers of the same texts agree, beside the extractor (issue #14 item 4).

    python benchmarks/competence_agreement.py [ADJUDICATED.csv | FIRST.csv SECOND.csv] [--out FILE]

Two blind readings of one draw are scored against each other with :mod:`competence_eval`'s own
matcher, so the extractor's precision on a sample can be set against what a second human reader
reaches on it. Then the extractors against each reading, and against *either* (a found clause counts
as right when one of the two readers wrote it; recall against the clauses both wrote).

Given an **adjudicated** sample (the two readings' disagreements settled under docs/competence-rules.md,
written with the readings' columns and a ``# sources: FIRST SECOND`` header line, as
``tests/data/competence_fresh8_adjudicated.csv``), its two readings are read from that line, and each
reading and each extractor is also scored against the adjudicated rows. With no argument: fresh8's
adjudicated sample (fresh8's first reading ``competence_fresh8.csv``, fresh8a + fresh8b of session 13,
and its second ``competence_fresh8_second.csv``, fresh8r, read blind to the first).

    python benchmarks/competence_agreement.py   # -> results/competence_agreement.txt
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import competence_eval as ce  # noqa: E402

ADJUDICATED = ce.FRESH8_ADJ
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


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ce.ROOT))
    except ValueError:
        return str(path)


def readings(paths: list[Path]) -> tuple[Path, Path, Path | None]:
    """(first, second, adjudicated or None) from the command line's one adjudicated sample or two readings."""
    if len(paths) == 1:
        first_second = ce.sources(paths[0])
        if len(first_second) != 2:
            raise SystemExit(
                f"{paths[0]}: 裁决样本须有「# sources: 第一次判读 第二次判读」一行 "
                "(an adjudicated sample names its two readings in a '# sources:' header line)"
            )
        return first_second[0], first_second[1], paths[0]
    if len(paths) == 2:
        return paths[0], paths[1], None
    raise SystemExit("give one adjudicated sample or two readings")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("samples", nargs="*", type=Path, default=[ADJUDICATED])
    ap.add_argument("--out", type=Path, default=RESULT)
    args = ap.parse_args(argv)
    first_path, second_path, adjudicated_path = readings(args.samples)
    first, _ = ce.read_sample(first_path)
    second, _ = ce.read_sample(second_path)
    assert set(first) == set(second), "the two readings must cover the same texts"
    adjudicated = ce.read_sample(adjudicated_path)[0] if adjudicated_path else None
    if adjudicated is not None:
        assert set(adjudicated) == set(first), (
            "the adjudicated sample must cover the readings' texts"
        )
    versions = [v for v in ce.in_force(ce.packaged_corpus()) if v.id in first]
    lines = [
        "# two readings of one draw, and the extractors — python benchmarks/competence_agreement.py "
        + " ".join(_rel(p) for p in args.samples),
        f"# first: {_rel(first_path)}; second: {_rel(second_path)}"
        + (f"; adjudicated: {_rel(adjudicated_path)}" if adjudicated_path else ""),
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
        if adjudicated is not None:
            for name, reading in (("first", first), ("second", second)):
                lines.append(
                    _line(
                        f"{name} reading scored against the adjudicated",
                        _score(reading, adjudicated, lenient),
                    )
                )
        for name, find in (("extract", ce.method), ("extract_by_rules", ce.rules)):
            found = {v.id: set(find(v)) for v in versions}
            lines.append(_line(f"{name} against the first", _score(found, first, lenient)))
            lines.append(_line(f"{name} against the second", _score(found, second, lenient)))
            if adjudicated is not None:
                lines.append(
                    _line(f"{name} against the adjudicated", _score(found, adjudicated, lenient))
                )
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
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
