#!/bin/bash
# One-shot CLI `dutygraph lead --json` vs a fresh SQLite-peer process (benchmarks/sqlite_peer.py,
# the same SPEC section-3 resolution in SQL), on a store made by hand; 3 runs per pair, each a
# fresh process under /usr/bin/time (wall s, peak RSS KB). The issue #16 national figure:
#   DB=/tmp/store3-work/national-cli.db benchmarks/store_lead_oneshot.sh
set -e
cd "$(dirname "$0")/.."
PY=${PY:-python}
DB=${DB:?the store file}
export -n PYTHONDONTWRITEBYTECODE; unset PYTHONDONTWRITEBYTECODE
PAIRS=$($PY -c "
import sys; sys.path.insert(0, 'benchmarks')
import sqlite3
from sqlite_peer import random_pairs
c = sqlite3.connect('$DB')
e = c.execute(\"SELECT item, region FROM duty WHERE role='lead' AND length(region)=6 AND region LIKE '%01' LIMIT 1\").fetchone()
print(*e)
for i, r in random_pairs('$DB', 4, seed=23): print(i, r)
")
PEER="import sys; sys.path.insert(0, 'benchmarks'); from sqlite_peer import SqlitePeer; print(sorted(SqlitePeer(sys.argv[1]).who_leads(*sys.argv[2:5])))"
$PY -m dutygraph lead --store $DB --as-of 2025-06-01 --json I0000 110101 > /dev/null || true  # bytecode written
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
while read item region; do
  for k in 1 2 3; do
    /usr/bin/time -f "cli $item $region %e s %M KB" $PY -m dutygraph lead --store $DB --as-of 2025-06-01 --json $item $region > /tmp/store3-lead-out.json
    /usr/bin/time -f "peer $item $region %e s %M KB" $PY -c "$PEER" $DB $item $region 2025-06-01 > /tmp/store3-peer-out.txt
  done
  echo "answer cli: $($PY -c "import json; d=json.load(open('/tmp/store3-lead-out.json')); print(sorted(a['department']['id'] for a in d['answers']))" 2>&1 | tail -1) peer: $(cat /tmp/store3-peer-out.txt)"
  echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
done <<< "$PAIRS"
