"""Evaluation sets for :func:`~dutygraph.analysis.assign.assign_business_form`.

An evaluation set is a CSV of new business forms with the lead expected and
the rule that settles it; :func:`evaluate` asks each case (its own precedent
left out) and scores top-1, top-3, wrong leads, abstentions and calibration.

A case is **abstained** when the answer names no lead, or says the top two are
too close to call (``TOO_CLOSE_TO_CALL``): it is referred for coordination.
A **wrong lead** is a lead proposed (not abstained) other than the expected one.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..reader import GraphReader

__all__ = [
    "FIT_SETS",
    "EvalCase",
    "ask",
    "calibration",
    "evaluate",
    "fit_confidence",
    "read_eval_cases",
    "score",
]

#: the sets the confidence is fitted on (tests/data): the tuning sets only, never a held-out
#: set; the forms set joined them when forms2 was frozen, forms2 when the third was written,
#: forms3 when the fourth was, forms4 when the fifth was, forms5 (scored once, held out, in
#: session 12) when the sixth was written, forms6 and forms7 (each scored once, held out, in
#: session 13) when the eighth was being written, forms8 and forms9a (each scored once, held
#: out, in session 14) when the tenth (assign_eval_forms10*.csv, held out) was being written, forms10
#: (scored once, held out, in session 15) when the eleventh (assign_eval_forms11*.csv) became the held-out set
FIT_SETS = (
    "assign_eval_dev.csv",
    "assign_eval_fresh.csv",
    "assign_eval_heldout.csv",
    "assign_eval_forms.csv",
    "assign_eval_forms2.csv",
    "assign_eval_forms3.csv",
    "assign_eval_forms4.csv",
    "assign_eval_forms5.csv",
    "assign_eval_forms6.csv",
    "assign_eval_forms7.csv",
    "assign_eval_forms8.csv",
    "assign_eval_forms9a.csv",
    "assign_eval_forms10.csv",
)


@dataclass
class EvalCase:
    """One settled case of an evaluation set, and what :func:`evaluate` made of it."""

    name: str
    description: str
    expected_lead: str
    behaviors: tuple[str, ...] = ()
    business_form: str | None = None  # the case's own precedent, left out when it is asked
    source: str = ""
    disputed: bool = False  # the lead is disputed in practice: reported, not in the headline
    alternatives: tuple[str, ...] = ()  # other leads the law genuinely allows: also right
    got: list[str] = field(default_factory=list)  # the ranked candidates' ids
    excluded: list[str] = field(default_factory=list)
    confidence: float = 0.0  # the answer's confidence in its top candidate
    abstained: bool = False  # no lead named, or too close to call
    evidence: tuple[float, float] = (0.0, 0.0)  # what the confidence was computed from

    @property
    def rank(self) -> int | None:
        """1-based rank of the expected lead (or an acceptable alternative) among the
        candidates (None: not proposed).

        >>> EvalCase("a", "", "X", alternatives=("Z",), got=["Y", "Z", "X"]).rank
        2
        """
        ok = {self.expected_lead, *self.alternatives}
        return next((k + 1 for k, d in enumerate(self.got) if d in ok), None)


def read_eval_cases(path: str | os.PathLike[str]) -> list[EvalCase]:
    """An evaluation set: a CSV with ``name, description, behaviors, expected_lead``
    (and optionally ``business_form``, the case's own precedent, ``source``,
    ``disputed`` — ``yes`` where the lead is disputed in practice — and
    ``alternatives``, other leads the law genuinely allows, ``;``-separated)."""
    with open(path, encoding="utf-8", newline="") as f:
        return [
            EvalCase(
                r["name"],
                r["description"],
                r["expected_lead"],
                tuple(b for b in (r.get("behaviors") or "").split(";") if b),
                r.get("business_form") or None,
                r.get("source", ""),
                (r.get("disputed") or "").strip().lower() in {"yes", "true", "1"},
                alternatives=tuple(a for a in (r.get("alternatives") or "").split(";") if a),
            )
            for r in csv.DictReader(f)
        ]


def calibration(cases: Iterable[EvalCase], bins: int = 5) -> dict[str, Any]:
    """Reliability of the confidence over the answered cases: per bin of confidence,
    how many, the mean confidence and the share right; ``ece`` the expected
    calibration error (the mean gap, weighted by the bin's size).

    >>> a = EvalCase("a", "", "X", got=["X"], confidence=0.9)
    >>> b = EvalCase("b", "", "X", got=["Y"], confidence=0.9)
    >>> calibration([a, b])["ece"]
    0.4
    """
    answered = [c for c in cases if c.got and not c.abstained]
    table = []
    err = 0.0
    for k in range(bins):
        lo, hi = k / bins, (k + 1) / bins
        inside = [
            c for c in answered if lo <= c.confidence < hi or (k == bins - 1 and c.confidence >= hi)
        ]
        if not inside:
            continue
        conf = sum(c.confidence for c in inside) / len(inside)
        acc = sum(c.rank == 1 for c in inside) / len(inside)
        table.append({"from": lo, "to": hi, "n": len(inside), "confidence": conf, "right": acc})
        err += len(inside) * abs(conf - acc)
    return {"bins": table, "ece": round(err / max(len(answered), 1), 4)}


def ask(g: GraphReader, c: EvalCase, as_of: str | None = None) -> Any:
    """Ask one case as :func:`evaluate` does: with its own precedent removed (the business form
    whose id it names, and any settled form of the same name; set as ``c.excluded``), so that it
    cannot be answered by looking itself up. Returns the :class:`~dutygraph.analysis.assign.Assignment`."""
    from .assign import assign_business_form

    own = {f.id for f in g.business_forms.values() if f.name == c.name}
    if c.business_form:
        own.add(c.business_form)
    c.excluded = sorted(own)
    return assign_business_form(g, c.name, c.description, c.behaviors, as_of=as_of, exclude=own)


def evaluate(g: GraphReader, cases: Iterable[EvalCase], as_of: str | None = None) -> dict[str, Any]:
    """Score settled cases leave-one-out: top-1 and top-3 accuracy, and the cases missed.

    Each case is asked with its own precedent removed — the business form
    whose id it names, and any settled form with the same name — so a case
    cannot be answered by looking itself up. Cases marked ``disputed`` are
    asked and returned but left out of the scores and ``misses``
    (``disputed_top1`` says how often the proposed lead was the expected one).
    ``right`` is the share given the expected lead (not abstained),
    ``answered`` the share of scored cases given a lead (not abstained),
    ``abstained`` the share referred for coordination, ``wrong`` the number
    given a lead other than the expected one and ``wrong_rate`` its share —
    a wrong lead misleads, an abstention only asks for a decision.

    >>> from dutygraph.fixtures import demo_graph
    >>> case = EvalCase("剧本杀", "角色扮演推理剧本", "N-MCT", business_form="BF-SCRIPT")
    >>> r = evaluate(demo_graph(), [case], as_of="2025-01-01")
    >>> r["top1"], case.excluded
    (1.0, ['BF-SCRIPT'])
    """
    done = []
    for c in cases:
        a = ask(g, c, as_of)
        c.got = [x.department.id for x in a.candidates]
        conf = getattr(a, "confidence", None)
        c.confidence = float(
            conf if conf is not None else (a.candidates[0].score if a.candidates else 0.0)
        )
        c.evidence = tuple(getattr(a, "evidence", (0.0, 0.0)))  # type: ignore[assignment]
        c.abstained = bool(getattr(a, "abstained", False)) or (
            not a.candidates or any(x["kind"] == "TOO_CLOSE_TO_CALL" for x in a.conflicts)
        )
        done.append(c)
    return score(done)


def score(done: list[EvalCase]) -> dict[str, Any]:
    """The figures of :func:`evaluate` over cases already asked (``got``, ``confidence``
    and ``abstained`` filled in): by whatever method asked them."""
    scored = [c for c in done if not c.disputed]
    disputed = [c for c in done if c.disputed]
    n = max(len(scored), 1)
    answered = [c for c in scored if c.got and not c.abstained]
    wrong = sum(c.rank != 1 for c in answered)
    return {
        "cases": done,
        "top1": sum(c.rank == 1 for c in scored) / n,
        "top3": sum(c.rank is not None and c.rank <= 3 for c in scored) / n,
        "right": sum(c.rank == 1 for c in answered) / n,
        "answered": len(answered) / n,
        "abstained": 1 - len(answered) / n,
        "wrong": wrong,
        "wrong_rate": wrong / n,
        "calibration": calibration(scored),
        "misses": [c for c in scored if c.rank != 1],
        "disputed": disputed,
        "disputed_top1": sum(c.rank == 1 for c in disputed) / max(len(disputed), 1),
    }


def fit_confidence(
    g: GraphReader, folder: str | os.PathLike[str], as_of: str | None = None
) -> tuple[float, float, float]:
    """Fit :data:`dutygraph.analysis.confidence.COEFFICIENTS` on :data:`FIT_SETS` in ``folder``:
    every scored case given candidates, right when its top candidate is the expected lead."""
    from .confidence import fit

    samples = []
    for name in FIT_SETS:
        r = evaluate(g, read_eval_cases(os.path.join(folder, name)), as_of)
        samples += [
            (c.evidence[0], c.evidence[1], c.rank == 1)
            for c in r["cases"]
            if not c.disputed and c.got
        ]
    return fit(samples)
