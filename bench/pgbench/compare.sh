#!/usr/bin/env bash
# pgbench select-by-key (-n -f, 2 clients, 10,000 rows) against PostgreSQL 15, H2's own PostgreSQL
# server and the Lattice proxy, in one run, in -M simple and -M prepared, two rounds each (the second
# is the warm one). Prints tps and p50/p99 latency per target. Needs Debian's postgresql-15 and
# postgresql-client, root (it runs initdb as the postgres user), and the proxy jar:
#   mvn -B -q install -DskipTests && sudo bench/pgbench/compare.sh   # SECONDS_PER_RUN=10 by default
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
WORK=$(mktemp -d)
PG_BIN=/usr/lib/postgresql/15/bin
H2_JAR=$(ls ~/.m2/repository/com/h2database/h2/2.5.252/h2-2.5.252.jar)
PG_PORT=55432; H2_PORT=55433; LT_PORT=55434
cleanup() { kill ${H2_PID:-} ${LT_PID:-} 2>/dev/null || true; su postgres -c "$PG_BIN/pg_ctl -D $WORK/pg -m immediate stop" >/dev/null 2>&1 || true; }
trap cleanup EXIT
chmod 777 "$WORK"

cat > "$WORK/select.sql" <<'SQL'
\set aid random(1, 10000)
SELECT abalance FROM accounts WHERE aid = :aid;
SQL
SETUP="CREATE TABLE accounts(aid INT PRIMARY KEY, abalance INT NOT NULL, filler VARCHAR(84));
INSERT INTO accounts SELECT g, 0, 'x' FROM generate_series(1, 10000) g;"

# PostgreSQL 15
su postgres -c "$PG_BIN/initdb -D $WORK/pg -A trust -U postgres" >/dev/null
su postgres -c "$PG_BIN/pg_ctl -D $WORK/pg -o '-p $PG_PORT -k $WORK' -l $WORK/pg.log start" >/dev/null
until psql -h 127.0.0.1 -p $PG_PORT -U postgres -c 'select 1' >/dev/null 2>&1; do sleep 0.2; done
psql -q -h 127.0.0.1 -p $PG_PORT -U postgres -c "$SETUP"

# H2's own PostgreSQL server, on a file database holding the same rows
java -cp "$H2_JAR" org.h2.tools.Server -pg -pgPort $H2_PORT -baseDir "$WORK/h2" -ifNotExists > "$WORK/h2.log" 2>&1 &
H2_PID=$!

# The Lattice proxy (primary + 2 replicas in memory)
java -jar "$ROOT/proxy/target/lattice-proxy.jar" --port $LT_PORT > "$WORK/lattice.log" 2>&1 &
LT_PID=$!
until PGPASSWORD=lattice psql -h 127.0.0.1 -p $LT_PORT -U lattice lattice -c 'select 1' >/dev/null 2>&1; do sleep 0.2; done
PGPASSWORD=lattice psql -q -h 127.0.0.1 -p $LT_PORT -U lattice lattice -c "CREATE TABLE accounts(aid INT PRIMARY KEY, abalance INT NOT NULL, filler VARCHAR(84))" \
  -c "INSERT INTO accounts SELECT X, 0, 'x' FROM SYSTEM_RANGE(1, 10000)"
until PGPASSWORD=sa psql -h 127.0.0.1 -p $H2_PORT -U sa bench -c 'select 1' >/dev/null 2>&1; do sleep 0.2; done
PGPASSWORD=sa psql -q -h 127.0.0.1 -p $H2_PORT -U sa bench -c "CREATE TABLE accounts(aid INT PRIMARY KEY, abalance INT NOT NULL, filler VARCHAR(84))" \
  -c "INSERT INTO accounts SELECT \"X\", 0, 'x' FROM SYSTEM_RANGE(1, 10000)" >/dev/null

run() { # name mode host port user password db
  local name=$1 mode=$2 port=$3 user=$4 pass=$5 db=$6 dir="$WORK/log-$1-$2"
  mkdir -p "$dir" && chmod 777 "$dir"
  (cd "$dir" && PGPASSWORD=$pass pgbench -n -f "$WORK/select.sql" -c 2 -j 2 -T $SECONDS_PER_RUN -M $mode -l \
     -h 127.0.0.1 -p $port -U $user $db > out.txt 2>&1) || { echo "$name $mode FAILED"; tail -3 "$dir/out.txt"; return; }
  local tps=$(grep -oE 'tps = [0-9.]+' "$dir/out.txt" | head -1 | awk '{print $3}')
  local pct=$(cat "$dir"/pgbench_log.* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {printf "%d %d", a[int(NR*0.5)], a[int(NR*0.99)]}')
  printf "%-10s %-9s %10.0f tps  p50 %5s us  p99 %5s us\n" "$name" "$mode" "$tps" ${pct% *} ${pct#* }
}
echo "pgbench select-by-key, 2 clients, ${SECONDS_PER_RUN}s per run, $(nproc) cores"
for mode in simple prepared; do
  for round in 1 2; do
    run postgres $mode $PG_PORT postgres x postgres
    run h2-pg $mode $H2_PORT sa sa bench
    run lattice $mode $LT_PORT lattice lattice lattice
  done
done
