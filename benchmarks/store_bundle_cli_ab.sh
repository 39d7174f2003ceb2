#!/bin/bash
# A one-shot `dutygraph load` of a 10-row bundle into a province store, in a fresh process:
# this tree against another source tree (BEFORE_SRC, e.g. `git archive BASE src | tar -x`),
# alternately, one bundle each, into one copy of STORE (both trees must read its schema).
#
#   benchmarks/store_bundle_cli_ab.sh STORE BEFORE_SRC BUNDLES...   (folders of one duties.csv,
#   e.g. the ten-row/N folders benchmarks/store_writes_ab.py leaves in its workdir)
#
# Prints the wall time of each whole process and the load beside it.
set -euo pipefail
store=$1; before=$2; shift 2
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$store" "$work/p.db"
py=${PYTHON:-python}
i=0
for bundle in "$@"; do
  i=$((i + 1))
  if [ $((i % 2)) = 1 ]; then src=$here/src; name=this; else src=$before; name=before; fi
  start=$(date +%s%N)
  PYTHONPATH=$src nice -n 10 "$py" -m dutygraph load "$bundle" --store "$work/p.db" >/dev/null
  end=$(date +%s%N)
  echo "$name $(( (end - start) / 1000000 )) ms  load $(cut -d' ' -f1 /proc/loadavg)"
done
