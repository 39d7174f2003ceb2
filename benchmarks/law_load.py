"""``dutygraph load laws/``: the whole law corpus into a fresh embedded store (target < 30 s).

    python benchmarks/law_load.py [--corpus ../shared/laws] [--repeat 2]

Prints, in one run on the same machine: reading the corpus alone (the parser,
the baseline), the import of it into a new store through the importer (read,
merged over the packaged corpus, citations, validation, the SQLite write), the
same through the real command (``python -m dutygraph load``, a subprocess:
interpreter start and all), loading it again (which must change nothing), and
opening what was written (``graph()`` and one article through ``reader()``).
Ratios are against the parse measured in the same run.

The packaged corpus (which a first load comes on top of, and which a store holding no
corpus answers from) is read from its prepared file in the user's cache
(:mod:`dutygraph.io.laws.prepared`). The command is timed with that file present
(``warm``: every use after the first) and with an empty cache folder (``first use``:
it parses the archive and writes the file) and with the cache off (``DUTYGRAPH_CACHE=off``:
the packaged corpus parsed in the run, as before the prepared file); ``dutygraph lead … --json`` on the demo
store (which holds no corpus) likewise, and with the cache off (``DUTYGRAPH_CACHE=off``:
the packaged corpus parsed in every run, as before the prepared file).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from dutygraph.importer import load
from dutygraph.io.laws import read_corpus
from dutygraph.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent


def timed(fn):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def command(cmd: list[str], cache: str | None = None) -> float:
    """Seconds the command takes (``cache``: the DUTYGRAPH_CACHE it runs with)."""
    env = dict(os.environ)
    if cache is not None:
        env["DUTYGRAPH_CACHE"] = cache
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    took = time.perf_counter() - t
    assert proc.returncode == 0, proc.stderr
    return took


def main() -> None:
    ap = argparse.ArgumentParser()
    here = (
        ROOT.parent / "shared" / "laws"
    )  # ../shared from a checkout; /work/shared on the team's machine
    default = here if here.exists() else Path("/work/shared/laws")
    ap.add_argument("--corpus", default=str(default))
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    corpus = Path(args.corpus)
    print(f"corpus: {corpus}  (machine shared with other engineers: figures are noisy)")
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for n in range(args.repeat):
        parse_s, parsed = timed(lambda: read_corpus(corpus))
        versions = sum(len(a.versions) for a in parsed.acts.values())
        articles = sum(len(v.articles) for a in parsed.acts.values() for v in a.versions)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "laws.db"
            store = EmbeddedStore(path)
            t = time.perf_counter()
            report = load(store, [corpus])
            load_s = time.perf_counter() - t
            t = time.perf_counter()
            again = load(store, [corpus])
            again_s = time.perf_counter() - t
            size = path.stat().st_size
            t = time.perf_counter()
            g = EmbeddedStore(path).graph()
            open_s = time.perf_counter() - t
            t = time.perf_counter()
            r = EmbeddedStore(path).reader()
            r.article(r.law("食品安全法").id, "第一百一十条")
            article_s = time.perf_counter() - t
            cmd = [sys.executable, "-m", "dutygraph", "load", str(corpus)]
            cli_s = command([*cmd, "--store", str(Path(tmp) / "cli.db")])
            cold_s = command(
                [*cmd, "--store", str(Path(tmp) / "cold.db")], cache=str(Path(tmp) / "c1")
            )
            off_s = command([*cmd, "--store", str(Path(tmp) / "off.db")], cache="off")
            demo = str(Path(tmp) / "demo.db")
            command([sys.executable, "-m", "dutygraph", "demo", "--store", demo])
            lead = [sys.executable, "-m", "dutygraph", "lead", "食品安全监督管理", "锦江区"]
            lead += ["--as-of", "2025-06-01", "--store", demo, "--json"]
            lead_s = command(lead)
            lead_cold_s = command(lead, cache=str(Path(tmp) / "c2"))
            lead_off_s = command(lead, cache="off")
        assert again.added == {} and again.changed == {}, (again.added, again.changed)
        print(f"\nrun {n + 1}:")
        print(
            f"  parsed            {len(parsed.acts)} acts, {versions} versions, {articles} articles,"
            f" {len(parsed.problems)} warnings"
        )
        print(f"  written           {dict(sorted(report.added.items()))}")
        print(f"  parse (baseline)  {parse_s:6.2f} s")
        print(f"  import (library)  {load_s:6.2f} s   {load_s / parse_s:5.1f}x parse")
        print(
            f"  dutygraph load    {cli_s:6.2f} s   {cli_s / parse_s:5.1f}x parse  (target < 30 s; cache warm)"
        )
        print(
            f"  ... first use     {cold_s:6.2f} s   {cold_s / parse_s:5.1f}x parse  (cache empty: prepares it)"
        )
        print(
            f"  ... cache off     {off_s:6.2f} s   {off_s / parse_s:5.1f}x parse  (packaged corpus parsed in the run)"
        )
        print(
            f"  load again        {again_s:6.2f} s   {again_s / parse_s:5.1f}x parse  (changes nothing)"
        )
        print(f"  store file        {size / 1e6:6.1f} MB")
        print(
            f"  open graph()      {open_s:6.2f} s   ({g.counts()['article']} articles, decoded on demand)"
        )
        print(f"  one article       {article_s:6.3f} s   (reader(): 食品安全法 第一百一十条)")
        print(f"  lead --json       {lead_s:6.2f} s   (demo store, no corpus in it; cache warm)")
        print(f"  ... first use     {lead_cold_s:6.2f} s   (cache empty: prepares it)")
        print(
            f"  ... cache off     {lead_off_s:6.2f} s   (packaged corpus parsed in the run, as before)"
        )


if __name__ == "__main__":
    main()
