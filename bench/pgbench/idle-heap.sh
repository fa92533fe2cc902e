#!/usr/bin/env bash
# The proxy's live heap with idle connections: starts the proxy (default configuration, 10,000 rows in
# usertable), then after a full GC reports the used heap with no client and with N idle psql sessions
# (each connected, authenticated and waiting for input).
#   bench/pgbench/idle-heap.sh            # N=100; LATTICE_JAR=proxy/target/lattice-proxy.jar
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${N:-100}
LATTICE_JAR=${LATTICE_JAR:-$ROOT/proxy/target/lattice-proxy.jar}
PORT=${PORT:-55440}
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
export PGPASSWORD=lattice
echo "maxConnections: $((N + 10))" > "$WORK/proxy.yaml"   # the default, 100, leaves no room for this script's own psql
java -jar "$LATTICE_JAR" --config "$WORK/proxy.yaml" --port "$PORT" > "$WORK/proxy.log" 2>&1 &
PROXY=$!; PIDS+=($PROXY)
until psql -h 127.0.0.1 -p "$PORT" -U lattice lattice -c 'select 1' >/dev/null 2>&1; do sleep 0.2; done
psql -q -h 127.0.0.1 -p "$PORT" -U lattice lattice -c "CREATE TABLE usertable(id INT PRIMARY KEY, f1 INT NOT NULL)" \
  -c "INSERT INTO usertable SELECT x, x FROM SYSTEM_RANGE(1, 10000) r(x)"
used() { jcmd "$PROXY" GC.run >/dev/null; sleep 1; jcmd "$PROXY" GC.heap_info | grep -oE 'used [0-9]+K' | head -1; }
echo "no client:        $(used)"
mkfifo "$WORK/idle"
for i in $(seq 1 "$N"); do
  psql -q -h 127.0.0.1 -p "$PORT" -U lattice lattice < "$WORK/idle" > /dev/null 2>&1 &
  PIDS+=($!)
done
exec 3> "$WORK/idle"   # one writer that never writes: every psql waits for input
sleep 5
echo "connections:      $(ss -Htn state established "( sport = :$PORT )" | wc -l) established to the proxy"
echo "session threads:  $(jcmd "$PROXY" Thread.print | grep -c '"lattice-session-' || true)"
echo "$N idle clients: $(used)"
jcmd "$PROXY" GC.heap_info | head -3
