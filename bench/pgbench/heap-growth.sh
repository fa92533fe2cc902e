#!/usr/bin/env bash
# Whether the proxy's live heap grows under a long pgbench run: starts the proxy (default configuration,
# 10,000 rows in usertable), runs pgbench with the select-by-key and update-by-key scripts together
# (-M prepared, 8 clients) for MINUTES minutes, and every STEP seconds prints the used heap after a
# full GC, the tps so far and the process's resident memory.
#   bench/pgbench/heap-growth.sh          # MINUTES=10 STEP=60; LATTICE_JAR=proxy/target/lattice-proxy.jar
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MINUTES=${MINUTES:-10}
STEP=${STEP:-60}
MODE=${MODE:-prepared}
LATTICE_JAR=${LATTICE_JAR:-$ROOT/proxy/target/lattice-proxy.jar}
PORT=${PORT:-55441}
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
export PGPASSWORD=lattice
java -jar "$LATTICE_JAR" --port "$PORT" > "$WORK/proxy.log" 2>&1 &
PROXY=$!; PIDS+=($PROXY)
until psql -h 127.0.0.1 -p "$PORT" -U lattice lattice -c 'select 1' >/dev/null 2>&1; do sleep 0.2; done
psql -q -h 127.0.0.1 -p "$PORT" -U lattice lattice -c "CREATE TABLE usertable(id INT PRIMARY KEY, f1 INT NOT NULL)" \
  -c "INSERT INTO usertable SELECT x, x FROM SYSTEM_RANGE(1, 10000) r(x)"
printf '\\set id random(1, 10000)\nSELECT f1 FROM usertable WHERE id = :id;\n' > "$WORK/select.sql"
printf '\\set id random(1, 10000)\n\\set v random(1, 1000000)\nUPDATE usertable SET f1 = :v WHERE id = :id;\n' > "$WORK/update.sql"
# The class histogram is taken right after its own full GC, under the load: its total is the live heap
# (GC.run then GC.heap_info a second later also counted what the load allocated in between).
used() { jcmd "$PROXY" GC.class_histogram | awk '/^Total/ {printf "used %dK\n", $3 / 1024}'; }
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$PROXY/status"; }
echo "before the run: live heap $(used), RSS $(rss)"
pgbench -n -M "$MODE" -c 8 -j 2 -T $((MINUTES * 60)) -P "$STEP" -f "$WORK/select.sql" -f "$WORK/update.sql" \
  -h 127.0.0.1 -p "$PORT" -U lattice lattice > "$WORK/pgbench.log" 2>&1 &
BENCH=$!; PIDS+=($BENCH)
for i in $(seq 1 $((MINUTES * 60 / STEP))); do
  sleep "$STEP"
  echo "after $((i * STEP)) s: live heap $(used), RSS $(rss), $(grep -E '^progress' "$WORK/pgbench.log" | tail -1)"
done
wait "$BENCH" || true
grep -E '^(tps|number of transactions actually)' "$WORK/pgbench.log"
echo "after the run: live heap $(used), RSS $(rss)"
