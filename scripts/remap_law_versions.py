"""Rewrite law version ids in the hand-read samples after the corpus's dates changed (#14).

    python scripts/remap_law_versions.py [FILE ...]

Each ``LB-…@YYYY-MM-DD`` token (a version id, also the start of an article id
``…@date#key``) listed as ``old`` in ``tests/data/law_version_renames.csv`` becomes its
``new`` id, in every line of each file (default: ``tests/data/competence_*.csv``): the
``version`` column and the ``#`` header lines alike. The rewrite is blind — a token
replacement on the bytes, nothing else of a line changes, no line is added or removed —
and it prints only counts per file (tokens in ``#`` lines, tokens in the other lines),
never a row, so it can run over held-out samples. Running it again changes nothing (no
new id is an old one).
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RENAMES = ROOT / "tests" / "data" / "law_version_renames.csv"
_TOKEN = re.compile(rb"LB-[0-9a-f]{10}@\d{4}-\d{2}-\d{2}")


def renames(path: Path = RENAMES) -> dict[bytes, bytes]:
    with path.open(encoding="utf-8", newline="") as f:
        pairs = {r["old"].encode(): r["new"].encode() for r in csv.DictReader(f)}
    if set(pairs) & set(pairs.values()):
        raise SystemExit(f"{path}: an id is both old and new; the rewrite would not be stable")
    return pairs


def remap(path: Path, pairs: dict[bytes, bytes]) -> tuple[int, int]:
    """Rewrite ``path`` in place; the tokens replaced in ``#`` lines and in the others."""
    data = path.read_bytes()
    counts = [0, 0]
    out = []
    for line in data.splitlines(keepends=True):
        header = line.lstrip(b"\xef\xbb\xbf").startswith(b"#")

        def sub(m: re.Match[bytes], header: bool = header) -> bytes:
            new = pairs.get(m.group(0))
            if new is None:
                return m.group(0)
            counts[0 if header else 1] += 1
            return new

        out.append(_TOKEN.sub(sub, line))
    new_data = b"".join(out)
    if new_data.count(b"\n") != data.count(b"\n"):
        raise SystemExit(f"{path}: line count would change")
    if new_data != data:
        path.write_bytes(new_data)
    return counts[0], counts[1]


def main(argv: list[str]) -> int:
    pairs = renames()
    files = [Path(a) for a in argv] or sorted((ROOT / "tests" / "data").glob("competence_*.csv"))
    total = [0, 0]
    for f in files:
        h, d = remap(f, pairs)
        total[0] += h
        total[1] += d
        print(f"{f.name}\theader {h}\trows {d}")
    print(f"{len(files)} files\theader {total[0]}\trows {total[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
