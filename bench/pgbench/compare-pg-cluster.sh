#!/usr/bin/env bash
# pgbench select-by-key (-n -f, 2 clients, 10,000 rows) straight to a PostgreSQL 15 primary and through
# the Lattice proxy over that primary and its two hot standbys (--cluster 'jdbc:lattice:nodes?...'), in
# one run, taking turns, in -M simple and -M prepared, ROUNDS rounds each after an unmeasured warm-up of
# WARMUP seconds per target (the proxy's JIT). Prints tps, p50/p99 latency
# and the proxy's ratio to the primary from the same round. Starts its own cluster with
# bin/pg-local-cluster (PORT_BASE, default 25640) in a temporary folder and stops it at the end.
# If the proxy cannot start or serve over PostgreSQL, says why and still measures the primary.
# Needs Debian's postgresql-15 and postgresql-client, root (or the postgres user), and the proxy jar:
#   mvn -B -q -pl proxy -am package -DskipTests && sudo bench/pgbench/compare-pg-cluster.sh
#   SECONDS_PER_RUN=10 ROUNDS=3 WARMUP=5 CLIENTS=2 PORT_BASE=25640 by default; PROXY_JAVA_OPTS is passed to the
#   proxy's JVM (e.g. -XX:StartFlightRecording=filename=/tmp/proxy.jfr to profile it)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-5}
CLIENTS=${CLIENTS:-2}
PORT_BASE=${PORT_BASE:-25640}
LT_PORT=$((PORT_BASE + 3))
PROXY_JAR=$ROOT/proxy/target/lattice-proxy.jar
WORK=$(mktemp -d /tmp/lattice-pgbench-XXXXXX)
chmod 755 "$WORK"
export PGPASSWORD=lattice

cleanup() {
  [ -z "${LT_PID:-}" ] || kill "$LT_PID" 2>/dev/null || true
  [ -z "${LT_PID:-}" ] || wait "$LT_PID" 2>/dev/null || true
  "$ROOT/bin/pg-local-cluster" stop "$WORK/pg" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT_BASE=$PORT_BASE "$ROOT/bin/pg-local-cluster" start "$WORK/pg" > "$WORK/cluster.txt"
URL=$(sed -n 's/^  \(jdbc:lattice:nodes?.*\)$/\1/p' "$WORK/cluster.txt" | head -1)
PG_PORT=$PORT_BASE

psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U lattice lattice \
  -c "CREATE TABLE usertable(id INT PRIMARY KEY, f1 INT NOT NULL)" \
  -c "INSERT INTO usertable SELECT g, g FROM generate_series(1, 10000) g" -c "VACUUM ANALYZE usertable"
for port in $((PORT_BASE + 1)) $((PORT_BASE + 2)); do
  until [ "$(psql -X -Atq -h 127.0.0.1 -p "$port" -U lattice lattice -c 'SELECT count(*) FROM usertable' 2>/dev/null)" = 10000 ]; do
    sleep 0.2
  done
done

cat > "$WORK/select.sql" <<'SQL'
\set id random(1, 10000)
SELECT f1 FROM usertable WHERE id = :id;
SQL
chmod 644 "$WORK/select.sql"

# The Lattice proxy over the cluster; if it does not come up or cannot answer the query, only the primary is measured.
PROXY=ok
if [ ! -f "$PROXY_JAR" ]; then
  PROXY="not built ($PROXY_JAR missing: mvn -B -q -pl proxy -am package -DskipTests)"
else
  # shellcheck disable=SC2086
  java ${PROXY_JAVA_OPTS:-} -jar "$PROXY_JAR" --port "$LT_PORT" --cluster "$URL" > "$WORK/proxy.log" 2>&1 &
  LT_PID=$!
  for _ in $(seq 1 150); do
    if ! kill -0 "$LT_PID" 2>/dev/null; then PROXY="exited at start"; break; fi
    if psql -X -Atq -h 127.0.0.1 -p "$LT_PORT" -U lattice lattice -c 'SELECT 1' >/dev/null 2>&1; then break; fi
    sleep 0.2
  done
  if [ "$PROXY" = ok ]; then
    out=$(psql -X -Atq -h 127.0.0.1 -p "$LT_PORT" -U lattice lattice -c 'SELECT f1 FROM usertable WHERE id = 42' 2>&1) \
      && [ "$out" = 42 ] || PROXY="cannot serve the query (answer: ${out:-none})"
  fi
fi
if [ "$PROXY" != ok ]; then
  echo "LATTICE PROXY OVER POSTGRESQL: $PROXY; measuring the primary only. Proxy log ($WORK/proxy.log):"
  tail -n 25 "$WORK/proxy.log" 2>/dev/null | sed 's/^/  | /' || true
fi

# run NAME MODE PORT: one pgbench run; prints a line and leaves "tps p50 p99" (µs) in $WORK/last
run() {
  local name=$1 mode=$2 port=$3 dir="$WORK/log-$1-$2-$round"
  mkdir -p "$dir" && chmod 777 "$dir"
  if ! (cd "$dir" && pgbench -n -f "$WORK/select.sql" -c "$CLIENTS" -j "$CLIENTS" -T "$SECONDS_PER_RUN" -M "$mode" -l \
      -h 127.0.0.1 -p "$port" -U lattice lattice > out.txt 2>&1); then
    echo "  $name $mode FAILED:"; { grep -m 3 -i "error" "$dir/out.txt" || tail -n 5 "$dir/out.txt"; } | sed "s/^/  | /"
    echo "0 0 0" > "$WORK/last"
    return
  fi
  local tps pct failed
  tps=$(grep -oE 'tps = [0-9.]+' "$dir/out.txt" | head -1 | awk '{print $3}')
  failed=$(grep -oE 'number of failed transactions: [0-9]+' "$dir/out.txt" | awk '{print $5}')
  pct=$(cat "$dir"/pgbench_log.* | awk '{print $3}' | sort -n \
    | awk '{a[NR]=$1} END {printf "%d %d", a[int(NR*0.5)], a[int(NR*0.99)]}')
  echo "$tps $pct" > "$WORK/last"
  printf "  %-8s %-9s %9.0f tps  p50 %6s µs  p99 %6s µs%s\n" "$name" "$mode" "$tps" ${pct% *} ${pct#* } \
    "$([ "${failed:-0}" = 0 ] || echo "  ($failed failed)")"
}

echo "pgbench select-by-key, $CLIENTS clients, ${SECONDS_PER_RUN}s per run, $ROUNDS rounds, $(nproc) cores" \
  "(load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "primary: PostgreSQL $(psql -X -Atq -h 127.0.0.1 -p "$PG_PORT" -U lattice lattice -c 'SHOW server_version') on 127.0.0.1:$PG_PORT;" \
  "lattice: the proxy on :$LT_PORT over $URL"
for port in "$PG_PORT" $([ "$PROXY" = ok ] && echo "$LT_PORT"); do
  pgbench -n -f "$WORK/select.sql" -c "$CLIENTS" -j "$CLIENTS" -T "$WARMUP" -M simple -h 127.0.0.1 -p "$port" \
    -U lattice lattice >/dev/null 2>&1 || true
done
declare -A RATIOS
for mode in simple prepared; do
  for round in $(seq 1 "$ROUNDS"); do
    # alternate which goes first, so neither always runs on a warmer or quieter machine
    order="primary lattice"; [ $((round % 2)) -eq 0 ] && order="lattice primary"
    pg=""; lt=""
    for target in $order; do
      if [ "$target" = primary ]; then
        run primary "$mode" "$PG_PORT"; pg=$(cat "$WORK/last")
      elif [ "$PROXY" = ok ]; then
        run lattice "$mode" "$LT_PORT"; lt=$(cat "$WORK/last")
      fi
    done
    if [ -n "$lt" ] && [ "${lt%% *}" != 0 ]; then
      ratio=$(awk -v a="${lt%% *}" -v b="${pg%% *}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
      RATIOS[$mode]="${RATIOS[$mode]:-}$ratio "
      echo "  round $round $mode: lattice / primary = $ratio"
    fi
  done
done
if [ "$PROXY" = ok ]; then
  for mode in simple prepared; do
    echo "$mode: ratios per round ${RATIOS[$mode]:-none (failed) }(target ≥ 0.8)"
  done
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
