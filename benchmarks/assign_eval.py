"""How well ``assign`` finds the lead of a new business form, on the reference catalogue.

    python benchmarks/assign_eval.py [--out results/assign_eval.txt]

Sets (``tests/data/``), each case asked with its own precedent left out:

* **settled** (``assign_eval.csv``) — the catalogue's settled forms in its own
  wording. Easy: the words are the catalogue's words.
* **held-out** (``assign_eval_heldout.csv``) and **fresh**
  (``assign_eval_fresh.csv``) — the earlier paraphrased sets; the held-out
  set's misses were studied to tune the old matcher.
* **forms** (``assign_eval_forms.csv``, issue #15) — 88 new business forms in a
  clerk's or a citizen's words (no department names, no words of the settling
  statute's title), over 38 departments, each with its lead and the rule that
  settles it; 6 marked disputed in practice. Written and committed before the
  method of #15 was changed, and never looked at while tuning it: **the
  held-out test set**.
* **dev** (``assign_eval_dev.csv``) — 36 more such cases, written at the same
  time, for tuning.
* **new forms** (``assign_eval_forms2.csv``, session 7) — 108 more new business
  forms (106 scored, 2 disputed) over 43 lead departments, each with the lead,
  the other leads the law genuinely allows (``alternatives``) and the article
  that settles it; written and committed, with the then method's figure
  (``results/assign_eval_fresh_before.txt``), before the method was changed
  again, because the forms set had been scored too often to stay held out.
  The held-out test set of session 7; since session 8 a tuning set (its misses
  were studied and it is in the confidence fit's sets).
* **forms3** (``assign_eval_forms3.csv``, session 8) — 109 more new business
  forms (107 scored, 2 disputed) over 42 lead departments, written by another
  engineer than the one changing the method, who never sees it; each with the
  lead, the alternatives the law allows and the article (checked against the
  corpus text in force); frozen (d424539) before anything was run on it, its
  first figure with the then method in ``results/assign_eval_forms3_before.txt``.
  The held-out test set of session 8; since session 10 a tuning set (its misses
  were studied and it is in the confidence fit's sets).
* **forms4** (``assign_eval_forms4.csv``, session 10) — 80 more new business
  forms (76 scored, 4 unsettled in practice) over 42 lead departments, written by
  another engineer than the one changing the method, who never sees it; each with
  the lead, the alternatives the law allows and the article (every cited article
  checked to exist in the version in force and read); frozen (e9c3d13) before
  anything was run on it, its first figure with the then method in
  ``results/assign_eval_forms4_before.txt``. Held out in session 10, a tuning
  set since session 11.
* **forms5** (``assign_eval_forms5.csv``, session 12) — 80 forms (79 scored) over
  42 leads, written blind in two halves split by domain by two engineers who
  never saw the method's work nor each other's half (frozen d0d918e, 892d45d),
  first scored in ``results/assign_eval_forms5_s11method.txt``. Held out in
  session 12, a tuning set since session 13.
* **forms6** (``assign_eval_forms6.csv``, session 13) — 80 forms (all scored) over
  41 leads, written as forms5 was (frozen 18322e5, 1f80448; the halves' first
  figures with the then method in ``results/assign_eval_forms6{a,b}_before.txt``).
  Scored once held out after assign7 and once after vocab8 (session 13); a tuning
  set since session 14.
* **forms7** (``assign_eval_forms7.csv``, session 13) — 80 forms (79 scored), written
  as forms5 and forms6 were (frozen 99d49c8, e28f1dc; the halves' first figures in
  ``results/assign_eval_forms7{a,b}_before.txt``). Scored once held out (session 13);
  a tuning set since session 14.
* **forms8** (``assign_eval_forms8.csv``, session 14) — 80 forms (all scored) over
  39 leads, written as forms5–7 were (frozen 642e1dc, c7a3c2a; the halves' first
  figures with the then method in ``results/assign_eval_forms8{a,b}_before.txt``).
  **The held-out test set now**: figures only, its cases never printed, not fitted
  on (not in the confidence fit's sets).

Per set: top-1 and top-3 (the expected lead ranked first / in the first
three), right (the expected lead named, not abstained), wrong (a lead named
other than the expected one: worse than an abstention), abstained (no lead, or
too close to call: referred for coordination) and ECE, the expected
calibration error of the confidence over the answered cases (the old method's
confidence is its normalised top score, always 1.0). Then the ablations the
method offers (:data:`ABLATIONS`), the reliability table on the forms set,
the misses, and the latency per case (warm).

The old method's row is measured in the same run: the tree of commit
:data:`OLD_COMMIT` (code and catalogue, before #15) is unpacked from git into
a temporary folder and asked the same cases in a child process, scored by
the same :func:`~dutygraph.analysis.assign_eval.score`.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = ROOT / "tests" / "data"
SETS = {
    "settled": DATA / "assign_eval.csv",
    "held-out": DATA / "assign_eval_heldout.csv",
    "fresh": DATA / "assign_eval_fresh.csv",
    "forms": DATA / "assign_eval_forms.csv",
    "dev": DATA / "assign_eval_dev.csv",
    "new forms": DATA / "assign_eval_forms2.csv",
    "forms3": DATA / "assign_eval_forms3.csv",
    "forms4": DATA / "assign_eval_forms4.csv",
    "forms5": DATA / "assign_eval_forms5.csv",
    "forms6": DATA / "assign_eval_forms6.csv",
    "forms7": DATA / "assign_eval_forms7.csv",
    "forms8": DATA / "assign_eval_forms8.csv",
    "forms9a": DATA / "assign_eval_forms9a.csv",
    "forms10": DATA / "assign_eval_forms10.csv",
    "forms11": DATA / "assign_eval_forms11.csv",
}
#: the held-out test set: figures only, its cases are never printed nor tuned on. forms8 (session
#: 14) was written blind by two engineers, one half each by domain (forms8a frozen in 642e1dc,
#: forms8b in c7a3c2a, joined unchanged), while assign8 and vocab9 changed the method without
#: seeing it. forms5-forms7 are spent and tuning sets (FIT_SETS), as forms4 (session 10).
#: forms8 and forms9a are spent too (tuning sets in FIT_SETS since session 15); the next held-out
#: set is forms10 (session 15): written blind in two halves by two engineers while assign9, vocab10,
#: law12 and lines15 changed the method (forms10a frozen in 2dbc9cb, forms10b in e70f163, joined
#: unchanged), scored once after the merges: a tuning set since session 16. Held out now: forms11,
#: written blind in session 15 for the session after in two halves by two engineers who never saw
#: the method's work (forms11a frozen in 792fc7b, forms11b in 99ccbd7, joined unchanged).
HELD_OUT = "forms11"
#: every held-out set (the targets are reported on each; none has its cases printed)
HELD_OUT_SETS = (HELD_OUT,)
RESULT = HERE / "results" / "assign_eval.txt"
AS_OF = "2025-06-01"

from bench_out import emit  # noqa: E402

from dutygraph.analysis import assign, match, near  # noqa: E402
from dutygraph.analysis.assign_eval import evaluate, read_eval_cases, score  # noqa: E402
from dutygraph.fixtures import catalogue_graph  # noqa: E402


@contextmanager
def patched(target: Any, name: str, value: Any) -> Iterator[None]:
    old = getattr(target, name)
    setattr(target, name, value)
    try:
        yield
    finally:
        setattr(target, name, old)


def _ablations() -> dict[str, list[tuple[Any, str, Any]]]:
    """label -> the (module, attribute, value) patches that switch a signal off."""
    hook: Callable[[], dict[str, list[tuple[Any, str, Any]]]] | None = getattr(
        assign, "ablations", None
    )
    if hook is not None:
        return hook()
    return {  # the old method's signals
        "no precedents": [(assign, "_region_departments", lambda *a, **k: [])],  # old method
        "no phrases": [(assign, "_phrase_hits", lambda *a, **k: {})],
    }


OLD_COMMIT = "3dbf0e6"  # the last commit before #15 changed the method
OLD_ASK = r"""
import csv, json, sys
from dutygraph.fixtures import catalogue_graph
from dutygraph.analysis.assign import assign_business_form
g = catalogue_graph()
out = {}
for label, path in json.loads(sys.argv[1]).items():
    rows = []
    for r in csv.DictReader(open(path, encoding="utf-8", newline="")):
        own = {f.id for f in g.business_forms.values() if f.name == r["name"]}
        if r.get("business_form"):
            own.add(r["business_form"])
        behaviors = [b for b in (r.get("behaviors") or "").split(";") if b]
        a = assign_business_form(
            g, r["name"], r["description"], behaviors, as_of=sys.argv[2], exclude=own
        )
        got = [x.department.id for x in a.candidates]
        conf = a.candidates[0].score if a.candidates else 0.0
        close = any(x["kind"] == "TOO_CLOSE_TO_CALL" for x in a.conflicts)
        rows.append([got, conf, not got or close])
    out[label] = rows
print(json.dumps(out))
"""


def old_method() -> dict[str, dict[str, Any]] | None:
    """The old method (the tree of :data:`OLD_COMMIT`) asked every set's cases, scored
    here; ``None`` when git or the old tree is not at hand."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            tar = subprocess.run(
                ["git", "-C", str(ROOT), "archive", OLD_COMMIT, "src"],
                capture_output=True,
                check=True,
            ).stdout
            with tarfile.open(fileobj=io.BytesIO(tar)) as t:
                t.extractall(tmp, filter="data")
        except (OSError, subprocess.CalledProcessError, tarfile.TarError):
            return None
        env = dict(os.environ, PYTHONPATH=os.path.join(tmp, "src"))
        sets = json.dumps({label: str(p) for label, p in SETS.items()})
        out = subprocess.run(
            [sys.executable, "-W", "ignore", "-c", OLD_ASK, sets, AS_OF],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp,
        )
        if out.returncode:
            print(out.stderr[-500:], file=sys.stderr)
            return None
    answers = json.loads(out.stdout)
    result = {}
    for label, p in SETS.items():
        cases = read_eval_cases(p)
        for c, (got, conf, abstained) in zip(cases, answers[label], strict=True):
            c.got, c.confidence, c.abstained = got, float(conf), bool(abstained)
        result[label] = score(cases)
    return result


def commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%h %s"],
            capture_output=True,
            text=True,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "src", "benchmarks", "tests"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return out.stdout.strip()[:90] + (" (+ uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


FIRST_USE = """
import time
t0, c0 = time.perf_counter(), time.process_time()
from dutygraph.fixtures import catalogue_graph
from dutygraph.analysis.assign import assign_business_form
g = catalogue_graph()
t1, c1 = time.perf_counter(), time.process_time()
assign_business_form(g, "剧本杀馆", "玩家换装扮演角色推理", as_of="2025-06-01")
t2, c2 = time.perf_counter(), time.process_time()
print(f"{t1 - t0:.2f} {t2 - t1:.2f} {c2 - c1:.2f}")
"""


def first_use() -> str:
    """The first answer in a fresh process: loading the catalogue, then the first assign.
    Twice, over an empty cache folder: the first process builds the word indexes (law
    corpus, statutes, jieba, segmentation) and stores them, the second reads them back."""
    got = []
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, DUTYGRAPH_CACHE=cache)
        for _ in range(2):
            out = subprocess.run(
                [sys.executable, "-W", "ignore", "-c", FIRST_USE],
                capture_output=True,
                text=True,
                env=env,
            )
            figures = out.stdout.split()[-3:]
            if len(figures) != 3:
                return f"first use: failed ({out.stderr.strip()[-200:]})"
            got.append(figures)
    (load, first, cpu), (load2, first2, cpu2) = got
    return (
        f"first use in a fresh process, indexes built (empty cache): catalogue load {load} s, "
        f"then the first assign {first} s wall, {cpu} s CPU\n"
        f"first use in a fresh process, indexes stored by the one before: catalogue load "
        f"{load2} s, then the first assign {first2} s wall, {cpu2} s CPU (target <= 2 s; on a "
        "busy machine the CPU time is the steadier figure)"
    )


def figures_only(path: Path, out: Path | None) -> int:
    """One set's figures, no case printed (a held-out or blind set stays unseen)."""
    r = evaluate(catalogue_graph(), read_eval_cases(path), AS_OF)
    n = len(r["cases"]) - len(r["disputed"])
    text = "\n".join(
        [
            f"set: {path} ({len(r['cases'])} cases, {n} scored, {len(r['disputed'])} disputed)",
            f"code: {commit()} (dutygraph from {assign.__file__})",
            f"as of {AS_OF}, the reference catalogue",
            f"top-1     {r['top1']:.1%}",
            f"top-3     {r['top3']:.1%}",
            f"right     {r['right']:.1%}",
            f"wrong     {r['wrong'] / max(n, 1):.1%} ({r['wrong']} of {n})",
            f"abstained {r['abstained']:.1%}",
            f"ECE       {r['calibration']['ece']:.2f}",
        ]
    )
    print(text)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--out",
        type=Path,
        help=f"where the figures go (default {RESULT.name}; with --sample: none)",
    )
    ap.add_argument(
        "--sample",
        type=Path,
        help="score one set only, figures only (no case is printed): a blind set's first run, or the "
        "same-run baseline of an older tree (PYTHONPATH=OLD/src); written to --out when given",
    )
    args = ap.parse_args(argv)
    if args.sample is not None:
        return figures_only(args.sample, args.out)
    g = catalogue_graph()
    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text)
        lines.append(text)

    def run() -> dict[str, dict[str, Any]]:
        return {label: evaluate(g, read_eval_cases(p), AS_OF) for label, p in SETS.items()}

    t0 = time.perf_counter()
    full = run()
    say(f"commit: {commit()}")
    say(
        f"assign on the reference catalogue ({len(g.items)} items, {len(g.behaviors)} behaviours, "
        f"{sum(f.settled for f in g.business_forms.values())} settled forms), as of {AS_OF}; "
        "machine shared with other engineers (latency is noisy, the rest is deterministic)"
    )
    for label, r in full.items():
        n, d = len(r["cases"]), len(r["disputed"])
        note = f"; {d} disputed in practice, not scored" if d else ""
        say(f"{label}: {n} cases ({n - d} scored{note})")
    say()
    cols = "  top-1 top-3 right wrong abst   ECE"
    say(f"{'':<16}" + "".join(f"  {label:^34}" for label in SETS))
    say(f"{'method':<16}" + cols * len(SETS))
    rows = [("full", full)]
    for label, patches in _ablations().items():
        with ExitStack() as stack:
            for target, name, value in patches:
                stack.enter_context(patched(target, name, value))
            rows.append((label, run()))
    old = old_method()
    if old is not None:
        rows.insert(0, (f"old ({OLD_COMMIT})", old))
    for label, r in rows:
        cells = "".join(
            f"  {x['top1']:>5.0%} {x['top3']:>5.0%} {x['right']:>5.0%} {x['wrong_rate']:>5.0%}"
            f" {x['abstained']:>4.0%} {x['calibration']['ece']:>5.2f}"
            for x in r.values()
        )
        say(f"{label:<16}{cells}")
    for label in (*HELD_OUT_SETS, "dev"):
        say()
        say(
            f"reliability on {label} (answered cases): confidence bin, n, mean confidence, share right"
        )
        for b in full[label]["calibration"]["bins"]:
            say(
                f"  [{b['from']:.1f}, {b['to']:.1f})  n={b['n']:>3}  {b['confidence']:.2f}  {b['right']:.0%}"
            )
    for label, r in full.items():
        if label in HELD_OUT_SETS:
            continue  # the held-out test sets: figures only, their cases are not studied
        say()
        say(f"misses, {label} (full method):")
        for c in r["misses"]:
            rank = c.rank if c.rank is not None else "-"
            tag = " (abstained)" if c.abstained else ""
            say(
                f"  {c.name}: want {c.expected_lead} (rank {rank}), "
                f"got {', '.join(c.got[:3]) or 'nothing'}{tag}"
            )
        if not r["misses"]:
            say("  none")
    say()
    # each case as a new question: the stand-ins of its words (near.composed, cached per word)
    # computed afresh; the same-run baseline with the stand-ins off
    for label, share in (("", match.COMPOSED_SHARE), (" stand-ins off (baseline)", 0.0)):
        keep, match.COMPOSED_SHARE = match.COMPOSED_SHARE, share
        lat = []
        for p in SETS.values():
            for c in read_eval_cases(p):
                near.composed.cache_clear()
                t = time.perf_counter()
                assign.assign_business_form(g, c.name, c.description, c.behaviors, as_of=AS_OF)
                lat.append(time.perf_counter() - t)
        match.COMPOSED_SHARE = keep
        say(
            f"latency per case{label}: median {statistics.median(lat) * 1e3:.2f} ms, "
            f"max {max(lat) * 1e3:.2f} ms (warm indexes, each case's words new)"
        )
    say(f"whole run {time.perf_counter() - t0:.1f} s")
    say(first_use())
    target = full["settled"]["top1"] >= 0.95
    say(f"target top-1 >= 95 % on the settled set: {'met' if target else 'NOT met'}")
    for held_out in HELD_OUT_SETS:
        f = full[held_out]
        for what, ok in (
            (f"top-1 >= 70 % (top-1 {f['top1']:.0%})", f["top1"] >= 0.70),
            (f"wrong <= 15 % (wrong {f['wrong_rate']:.0%})", f["wrong_rate"] <= 0.15),
        ):
            say(f"target {what} on the {held_out} set: {'met' if ok else 'NOT met'}")
    emit(lines, args.out or RESULT, echo=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
