"""How well competence clauses are found (issue #14 item 4), on the corpus the package ships.

    python benchmarks/competence_eval.py [--out results/competence_eval.txt] [--misses] [--sample CSV]

(``--sample CSV`` scores that sample alone, with the corpus-wide coverage line and the tuning set's line:
what a tuning branch runs; plain, every sample of :data:`SAMPLES` is scored, the held-out one too.)

* **coverage**: over every text in force (the open, unexpired versions, the
  constitution left out), the share with at least one clause found; and,
  on the hand-checked sample, the share of the texts that have a clause (by
  reading) where at least one was found.
* **precision / recall** on each hand-read sample of :data:`SAMPLES`, one line each.
  The held-out sample (the row marked ``True``; a branch that tunes has none, the lead
  adds the next fresh sample as one line) is the figure to quote, and its misses are
  never listed unless ``--sample`` names it together with ``--held-out-misses`` (for
  the final scoring only). The others are tuning samples, their misses listed freely:
  the fifth fresh sample ``tests/data/competence_fresh5.csv`` (25 texts,
  random.Random(1413), read by another engineer than the one tuning and committed
  before the extractor was run on it; held out in session 10, a tuning sample since
  session 11, its open readings adjudicated under the rules as its header says);
  the fourth fresh sample ``tests/data/competence_fresh4.csv`` (30 texts drawn with
  random.Random(1411) from the texts in none of the earlier samples, the tuning set,
  the spot checks or the catalogue's hand checks, read by hand under
  ``docs/competence-rules.md`` before the extractor was run on them; held out in
  session 8 — ``results/competence_eval_fresh4.txt`` is that one scoring — and a
  tuning sample since session 10, whose misses are listed by default); the
  third fresh sample ``tests/data/competence_fresh3.csv`` (seed 1409, the held-out
  sample of session 7, whose misses were described by kind in its notes), the second
  fresh sample ``tests/data/competence_fresh2.csv`` (seed 1407; its misses were read at
  the end of session 7), the fresh sample of session 5
  ``tests/data/competence_fresh.csv`` and the first sample
  ``tests/data/competence_sample.csv`` (60 texts, read before the extractor was
  written; ``competence_sample.md`` says what counts and how a found clause
  matches a written one) — both no longer held out, their misses were read while
  tuning.

Beside :func:`dutygraph.io.laws.competence.extract`, the same figures for a
**baseline**: the two sentence patterns the issue quotes, as one regular
expression each (国务院X部门负责全国…, 县级以上地方人民政府X部门负责本行政区域…).

The figures are deterministic (no timing), so a result file of an older
commit is a valid baseline.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE = ROOT / "tests" / "data" / "competence_sample.csv"
#: the fresh sample of session 5 (30 texts): its misses were read in session 7, a tuning set since
FRESH = ROOT / "tests" / "data" / "competence_fresh.csv"
#: the second fresh sample (30 texts, session 7): the result of session 7's first round, its misses read since
FRESH2 = ROOT / "tests" / "data" / "competence_fresh2.csv"
#: the third fresh sample (30 texts, session 7 round 2), read under docs/competence-rules.md: a tuning set since
FRESH3 = ROOT / "tests" / "data" / "competence_fresh3.csv"
#: the fourth fresh sample (30 texts, session 8), read under docs/competence-rules.md: held out in session 8
#: (results/competence_eval_fresh4.txt), a tuning sample since session 10
FRESH4 = ROOT / "tests" / "data" / "competence_fresh4.csv"
#: the fifth fresh sample (25 texts, session 10, random.Random(1413); its header says how to redraw it),
#: read under docs/competence-rules.md by an engineer who did not tune the extractor, committed (fb5f33b)
#: before the extractor was run on it, first scored in results/competence_eval_fresh5_before.txt: held out
#: in session 10, a tuning sample since session 11 (its open readings adjudicated under the rules, see its header)
FRESH5 = ROOT / "tests" / "data" / "competence_fresh5.csv"
#: the sixth fresh sample (22 of 25 drawn texts, session 11, random.Random(1415); its header says how to
#: redraw it), read under docs/competence-rules.md by an engineer who did not tune the extractor, committed
#: (3970fc7) before the extractor was run on it, first scored in results/competence_eval_fresh6_before.txt:
#: held out in session 11 (scored once, results/competence_eval.txt of session 11), a tuning sample since session 12
FRESH6 = ROOT / "tests" / "data" / "competence_fresh6.csv"
#: the seventh fresh sample (25 texts, session 12, random.Random(1417); its header says how to redraw it),
#: read in two halves (fresh7a c57070a, fresh7b b6e698e) by two engineers who did not tune the extractor,
#: committed before the extractor was run on them: held out in session 12 (scored once, results/competence_eval.txt
#: of session 12), a tuning sample since session 13 (its open readings adjudicated under the rules, see its header)
FRESH7 = ROOT / "tests" / "data" / "competence_fresh7.csv"
#: the eighth fresh sample (25 texts, session 13, random.Random(1419); its header says how to redraw it),
#: read in two halves (fresh8a ce78b0a, fresh8b 63d3d3b) by two engineers who did not tune the extractor,
#: committed before the extractor was run on them (results/competence_eval_fresh8{a,b}_before.txt): held out
#: in session 13 (scored once after law9's merge, c6e90a3), a tuning sample since session 13b
FRESH8 = ROOT / "tests" / "data" / "competence_fresh8.csv"
#: the ninth fresh sample (25 texts, session 13 second round, random.Random(1421); its header says
#: how to redraw it), read in two halves (fresh9a ac880cb, fresh9b 07197ac) by two engineers who did
#: not tune the extractor, committed before the extractor was run on them
#: (results/competence_eval_fresh9{a,b}_before.txt): held out in session 13 (scored once after law10's
#: merge, a104902), a tuning sample since session 14
FRESH9 = ROOT / "tests" / "data" / "competence_fresh9.csv"
#: fresh8's two blind readings (competence_fresh8.csv and competence_fresh8_second.csv) adjudicated under the rules
#: (session 14, rules 38-40): a tuning sample; an adjudicated sample names its readings in a ``# sources:`` line
FRESH8_ADJ = ROOT / "tests" / "data" / "competence_fresh8_adjudicated.csv"
#: the tenth fresh sample (25 texts, session 14, random.Random(1423), SOURCES.md pinned at c6e90a3; its
#: header says how to redraw it), read in two halves (fresh10a 62a5fb3, fresh10b 3f216ec) by two engineers
#: who did not tune the extractor, committed before it was run on them (results/
#: competence_eval_fresh10{a,b}_before.txt); read a second time, blind, by a third (fresh10r a41a919,
#: competence_fresh10_second.csv), and the two readings settled under the rules by a fourth (fresh10j 0d3b466):
#: held out in session 14 (the adjudicated sample scored once), a tuning sample since session 15 (the
#: adjudicated sample is its LOSO fold; the first and second readings are not scored twice there)
FRESH10 = ROOT / "tests" / "data" / "competence_fresh10.csv"
FRESH10_ADJ = ROOT / "tests" / "data" / "competence_fresh10_adjudicated.csv"
#: the eleventh fresh sample (25 texts, random.Random(1425) from fresh10's pool less its draw, SOURCES.md
#: pinned at c6e90a3; its header says how to redraw it), read in two halves (fresh11a 541eb34 in session 14,
#: fresh11b c67bff4 in session 15) by engineers who did not tune the extractor, committed before it was run
#: on them (results/competence_eval_fresh11{a,b}_before.txt); read a second time, blind, by a third (fresh11r
#: 9ee3307, competence_fresh11_second.csv), the two readings settled under the rules by a fourth (fresh11j
#: 00c7709): held out in session 15 (the adjudicated sample scored once), a tuning sample since session 16
FRESH11 = ROOT / "tests" / "data" / "competence_fresh11.csv"
FRESH11_ADJ = ROOT / "tests" / "data" / "competence_fresh11_adjudicated.csv"
#: the twelfth fresh sample (25 texts, random.Random(1427) from fresh11's pool less its draw, SOURCES.md
#: pinned at c6e90a3; its header says how to redraw it), read in two halves (fresh12a efcb580, fresh12b
#: ba9ba59, session 15) by engineers who did not tune the extractor, committed before it was run on them;
#: read a second time, blind, by a third (fresh12r 1b27701, competence_fresh12_second.csv), the two readings
#: settled under the rules by a fourth (fresh12j 01f0c5c): THE HELD-OUT SAMPLE of session 16, the
#: adjudicated one the result
FRESH12 = ROOT / "tests" / "data" / "competence_fresh12.csv"
FRESH12_ADJ = ROOT / "tests" / "data" / "competence_fresh12_adjudicated.csv"
#: the tuning set (50 other texts): its figures are not the result, they show what tuning reached
DEV = ROOT / "tests" / "data" / "competence_dev.csv"
RESULT = HERE / "results" / "competence_eval.txt"
#: the hand-read samples scored, one line each: (csv, what it is, held out?). A held-out sample's
#: misses are listed only with --held-out-misses; add the next fresh sample here as one line, True.
SAMPLES: tuple[tuple[Path, str, bool], ...] = (
    (
        FRESH12_ADJ,
        "twelfth fresh ADJUDICATED, 25 texts, seed 1427, two blind readings settled under the rules:"
        " THE HELD-OUT SAMPLE (session 16)",
        True,
    ),
    (
        FRESH12,
        "twelfth fresh, its first reading alone, two halves by two writers: held out (session 16)",
        True,
    ),
    (
        FRESH11_ADJ,
        "eleventh fresh ADJUDICATED, 25 texts, seed 1425, two blind readings settled under the rules:"
        " held out in session 15, tuning since 16",
        False,
    ),
    (
        FRESH11,
        "eleventh fresh, its first reading alone, two halves by two writers: held out in session 15, tuning since 16",
        False,
    ),
    (
        FRESH10_ADJ,
        "tenth fresh ADJUDICATED, 25 texts, seed 1423, two blind readings settled under the rules:"
        " held out in session 14, tuning since 15",
        False,
    ),
    (
        FRESH10,
        "tenth fresh, its first reading alone, two halves by two writers: held out in session 14, tuning since 15",
        False,
    ),
    (
        FRESH9,
        "ninth fresh, 25 texts, seed 1421, two halves by two writers: held out in session 13, tuning since 14",
        False,
    ),
    (
        FRESH8_ADJ,
        "eighth fresh ADJUDICATED, fresh8's two blind readings settled under the rules (session 14)",
        False,
    ),
    (
        FRESH8,
        "eighth fresh, 25 texts, seed 1419, two halves by two writers: held out in session 13, tuning since 13b",
        False,
    ),
    (
        FRESH7,
        "seventh fresh, 25 texts, seed 1417, two halves by two writers: held out in session 12, tuning since 13",
        False,
    ),
    (
        FRESH6,
        "sixth fresh, 22 of 25 texts, seed 1415: held out in session 11, tuning since session 12",
        False,
    ),
    (
        FRESH5,
        "fifth fresh, 25 texts, seed 1413: held out in session 10, tuning since session 11",
        False,
    ),
    (FRESH4, "fourth fresh, 30 texts, seed 1411: held out in session 8, tuning since", False),
    (FRESH3, "third fresh, 30 texts, seed 1409: held out in session 7, misses read since", False),
    (FRESH2, "second fresh, 30 texts, seed 1407: held out in session 7 round 1", False),
    (FRESH, "fresh sample, 30 texts, seed 1403: held out in session 5", False),
    (SAMPLE, "first sample, 60 texts, seed 14: read while tuning in session 5", False),
)

from dutygraph.io.laws import packaged_corpus  # noqa: E402
from dutygraph.io.laws.competence import (  # noqa: E402
    core,
    extract,
    extract_by_rules,
    in_force,
    line_for,
)
from dutygraph.io.laws.parse import Version  # noqa: E402

Key = tuple[str, str, str, str]  # version, article label, level, department core

_BASELINE = (
    (re.compile(r"国务院(\w{1,20}?(?:主管部门|行政部门|部门|机构))(?:负责|主管)全国"), "national"),
    (
        re.compile(
            r"县级以上地方(?:各级)?人民政府(\w{1,20}?(?:主管部门|行政部门|部门|机构))(?:负责|主管)本行政区域"
        ),
        "local",
    ),
)


def _key(department: str) -> str:
    """The department's core, 乡（镇）/乡、镇 written as 乡镇 (the extractor's spelling)."""
    return core(re.sub(r"乡[（(、]?镇[）)]?", "乡镇", department))


def _per_version(find: Callable[[Version], list[Key]]) -> Callable[[Version], list[Key]]:
    """``find`` run once per version (every sample and both matches read the same findings)."""
    done: dict[str, list[Key]] = {}

    def once(version: Version) -> list[Key]:
        if version.id not in done:
            done[version.id] = find(version)
        return done[version.id]

    once.__doc__ = find.__doc__
    return once


@_per_version
def baseline(version: Version) -> list[Key]:
    """The two patterns of the issue, literally: the old way of finding who is in charge."""
    out = []
    for a in version.articles:
        for rx, level in _BASELINE:
            for m in rx.finditer(a.text):
                out.append((version.id, a.label, level, _key(m.group(1))))
    return out


@_per_version
def method(version: Version) -> list[Key]:
    return [(c.version, c.article, c.level, _key(c.department)) for c in extract(version)]


@_per_version
def rules(version: Version) -> list[Key]:
    """The rule reader of sessions 5–7 (``extract`` before session 8), in the same run."""
    return [(c.version, c.article, c.level, _key(c.department)) for c in extract_by_rules(version)]


def read_sample(path: Path = SAMPLE) -> tuple[dict[str, set[Key]], dict[str, str]]:
    """Written clauses by version id (an empty set: no clause), and the titles."""
    gold: dict[str, set[Key]] = {}
    titles: dict[str, str] = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(line for line in f if not line.startswith("#")):
            gold.setdefault(row["version"], set())
            titles[row["version"]] = row["title"]
            if row["level"] != "none":
                gold[row["version"]].add(
                    (row["version"], row["article"], row["level"], _key(row["department"]))
                )
    return gold, titles


def sources(path: Path) -> list[Path]:
    """The readings an adjudicated sample settles, from its ``# sources: A B`` header line (paths from the
    repository root, first reading first); none for a sample read once. The adjudicated file has the
    readings' columns, so :func:`read_sample` scores it like any other sample."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                break
            if line.startswith("# sources:"):
                return [ROOT / p for p in line.split(":", 1)[1].split()]
    return []


def _same(a: Key, b: Key, lenient: bool) -> bool:
    if a[:3] != b[:3]:
        return False
    if a[3] == b[3]:
        return True
    if not lenient:
        return False
    la, lb = line_for(a[3]), line_for(b[3])
    return bool(
        a[3] and b[3] and (a[3] in b[3] or b[3] in a[3] or (la and lb and la.line == lb.line))
    )


def _matched(found: set[Key], gold: set[Key], lenient: bool) -> int:
    """Written clauses matched one to one by found ones (greedy, exact matches first)."""
    left = set(found)
    n = 0
    for g in sorted(gold, key=lambda g: g not in found):
        hit = next((f for f in sorted(left, key=lambda f: f != g) if _same(f, g, lenient)), None)
        if hit is not None:
            left.discard(hit)
            n += 1
    return n


def figures(
    find: Callable[[Version], list[Key]],
    versions: Iterable[Version],
    gold: dict[str, set[Key]],
    lenient: bool = False,
) -> dict:
    versions = list(versions)
    by_id = {v.id: v for v in versions}
    with_clause = sum(1 for v in versions if find(v))
    found = {vid: set(find(by_id[vid])) for vid in gold}
    tp = sum(_matched(found[v], gold[v], lenient) for v in gold)
    nfound = sum(len(found[v]) for v in gold)
    ngold = sum(len(gold[v]) for v in gold)
    texts = [v for v in gold if gold[v]]
    covered = [v for v in texts if found[v]]
    return {
        "corpus_texts": len(versions),
        "corpus_with_clause": with_clause,
        "sample_texts": len(gold),
        "sample_texts_with_clause": len(texts),
        "sample_covered": len(covered),
        "found": nfound,
        "written": ngold,
        "matched": tp,
        "precision": tp / nfound if nfound else 0.0,
        "recall": tp / ngold if ngold else 0.0,
        "false_texts": sum(1 for v in gold if not gold[v] and found[v]),
        "misses": {v: (sorted(gold[v] - found[v]), sorted(found[v] - gold[v])) for v in gold},
    }


def report(name: str, f: dict) -> list[str]:
    return [
        f"## {name}",
        f"corpus coverage: {f['corpus_with_clause']}/{f['corpus_texts']} texts in force with >=1 clause found "
        f"({f['corpus_with_clause'] / f['corpus_texts']:.1%})",
        f"sample coverage: {f['sample_covered']}/{f['sample_texts_with_clause']} texts that have a clause "
        f"({f['sample_covered'] / f['sample_texts_with_clause']:.1%}); "
        f"clauses found in texts that have none: {f['false_texts']} texts",
        f"sample precision: {f['matched']}/{f['found']} = {f['precision']:.1%}",
        f"sample recall:    {f['matched']}/{f['written']} = {f['recall']:.1%}",
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=RESULT)
    ap.add_argument(
        "--sample",
        type=Path,
        default=None,
        help="score this sample alone and list its misses (default: every sample scored, the misses of"
        " the newest tuning sample listed)",
    )
    ap.add_argument(
        "--held-out-misses",
        action="store_true",
        help="allow --sample to name the held-out sample (final scoring only: its misses must not guide tuning)",
    )
    ap.add_argument(
        "--misses", action="store_true", help="list the sample's missed and wrong clauses"
    )
    args = ap.parse_args(argv)
    held_out = [path for path, _, held in SAMPLES if held]
    if (
        args.sample is not None
        and any(args.sample.resolve() == p.resolve() for p in held_out)
        and not args.held_out_misses
    ):
        ap.error(
            f"留出样本 {args.sample.name} 的漏检不在调参时列出；最终评分时请加 --held-out-misses"
            " (the held-out sample's misses are listed only with --held-out-misses)"
        )
    t0 = time.perf_counter()
    corpus = packaged_corpus()
    versions = [v for v in in_force(corpus) if v.level != "宪法"]
    lines = [
        "# competence extraction (issue #14 item 4) — python benchmarks/competence_eval.py",
        f"# corpus: the packaged corpus, {len(versions)} texts in force (constitution left out)",
        "",
    ]
    scored = SAMPLES
    if args.sample is not None:
        # a named sample is scored alone: a tuning branch never sees the held-out sample's figures
        scored = tuple(s for s in SAMPLES if s[0].resolve() == args.sample.resolve()) or (
            (args.sample.resolve(), "the named sample", False),
        )
    for path, what, held in scored:
        what += ": THE RESULT (held out)" if held else " (tuning)"
        gold, titles = read_sample(path)
        lines += [f"# === {path.relative_to(ROOT)} ({what})"]
        settled = sources(path)
        if settled:
            lines.append(
                "# adjudicated from "
                + " + ".join(str(p.relative_to(ROOT)) for p in settled)
                + " (python benchmarks/competence_agreement.py "
                + str(path.relative_to(ROOT))
                + ": the readings against it)"
            )
        lines.append("")
        for name, find in (
            ("extract (dutygraph.io.laws.competence)", method),
            ("extract_by_rules (the rule reader of sessions 5-7)", rules),
            ("baseline (the issue's two patterns)", baseline),
        ):
            for lenient in (False, True):
                how = (
                    "lenient match: department phrases contain one another or name one line"
                    if lenient
                    else "strict match"
                )
                f = figures(find, versions, gold, lenient)
                lines += report(f"{name} — {how}", f)
    dev, _ = read_sample(DEV)
    fd = figures(method, versions, dev, True)
    lines += [
        "## tuning set (tests/data/competence_dev.csv, 50 texts the extractor was tuned on; not the result)",
        f"coverage {fd['sample_covered']}/{fd['sample_texts_with_clause']}, precision {fd['precision']:.1%}, "
        f"recall {fd['recall']:.1%} (lenient match)",
        "",
    ]
    listed_path = args.sample or next(p for p, _, held in SAMPLES if not held)
    listed, titles = read_sample(listed_path)
    f = figures(method, versions, listed, False)
    lines.append(f"## sample: missed (-) and not written (+), by text ({listed_path.name})")
    for vid, (missed, extra) in f["misses"].items():
        if missed or extra:
            lines.append(f"{titles[vid]} ({vid})")
            lines += [f"  - {k[1]} {k[2]} {k[3]}" for k in missed]
            lines += [f"  + {k[1]} {k[2]} {k[3]}" for k in extra]
    text = "\n".join(lines) + "\n"
    print(
        text
        if args.misses
        else "\n".join(
            lines[: next(i for i, x in enumerate(lines) if x.startswith("## sample: missed"))]
        )
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"({time.perf_counter() - t0:.1f} s; written to {args.out})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
