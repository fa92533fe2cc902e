#!/usr/bin/env bash
# The Lattice proxy against PostgreSQL 15 direct, in one run, alternating: pgbench select-by-key and
# update-by-key (-n -f, 10,000 rows), -M simple / extended / prepared, 1, 2 and 8 clients. Prints tps
# and p50/p99 latency per cell, then each cell's ratio to PostgreSQL. PostgreSQL runs with
# synchronous_commit = off (the update target's bar; selects do not commit WAL).
#
# Needs Debian's postgresql-15 and postgresql-client, root (initdb runs as the postgres user) and the
# proxy jar (mvn -B -q -pl proxy -am package -DskipTests):
#   sudo bench/pgbench/compare.sh
# Settings (environment):
#   SECONDS_PER_RUN=5  ROUNDS=2  CLIENTS="1 2 8"  MODES="simple extended prepared"  SCRIPTS="select update"
#   LATTICE_JAR=proxy/target/lattice-proxy.jar
#   OTHER_JARS="before=path …"  more proxy builds, each measured in the same run under its name (before/after)
#   LATTICE_JAVA_OPTS   extra JVM options for the proxies (e.g. a JFR recording); JAVA_OPTS_<name> for one of them
#   ARGS_<name>         extra proxy arguments for one of them (e.g. ARGS_c128="--cluster jdbc:lattice:mem:p?applyChunk=128")
#   WARMUP_SECONDS=5    unmeasured warm-up per target, script and mode, at the most clients measured,
#   WARMUP_TOTAL=20     repeated until each target has had at least WARMUP_TOTAL seconds of it. A fresh
#                       proxy's JIT needs that much load on 2 cores: select -M prepared at 2 clients went
#                       23k, 48k, 60k, 89k, then 160k tps in its first seconds, but update -M prepared at
#                       8 clients took ~17 s (2.8k, 10.9k, ... 60.9k in the 16th second, 72-83k after)
#   KEEP=1              keep the work folder (pgbench logs, proxy logs)
# Round r runs the targets in turn, the order reversed every other round, so that no target always runs
# first or after the same neighbour. On a shared machine compare only ratios from one run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
ROUNDS=${ROUNDS:-2}
CLIENTS=${CLIENTS:-"1 2 8"}
MODES=${MODES:-"simple extended prepared"}
SCRIPTS=${SCRIPTS:-"select update"}
LATTICE_JAR=${LATTICE_JAR:-$ROOT/proxy/target/lattice-proxy.jar}
OTHER_JARS=${OTHER_JARS:-}
LATTICE_JAVA_OPTS=${LATTICE_JAVA_OPTS:-}
WORK=$(mktemp -d)
PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT=55432; LT_PORT=55434
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  su postgres -c "$PG_BIN/pg_ctl -D $WORK/pg -m immediate stop" >/dev/null 2>&1 || true
  if [ -n "${KEEP:-}" ]; then echo "work folder: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
chmod 777 "$WORK"

cat > "$WORK/select.sql" <<'SQL'
\set id random(1, 10000)
SELECT f1 FROM usertable WHERE id = :id;
SQL
cat > "$WORK/update.sql" <<'SQL'
\set id random(1, 10000)
\set v random(1, 1000000)
UPDATE usertable SET f1 = :v WHERE id = :id;
SQL

# PostgreSQL 15
su postgres -c "$PG_BIN/initdb -D $WORK/pg -A trust -U postgres" >/dev/null
su postgres -c "$PG_BIN/pg_ctl -D $WORK/pg -o '-p $PG_PORT -k $WORK -c synchronous_commit=off' -l $WORK/pg.log start" >/dev/null
until psql -h 127.0.0.1 -p $PG_PORT -U postgres -c 'select 1' >/dev/null 2>&1; do sleep 0.2; done
psql -q -h 127.0.0.1 -p $PG_PORT -U postgres -c "CREATE TABLE usertable(id INT PRIMARY KEY, f1 INT NOT NULL)" \
  -c "INSERT INTO usertable SELECT g, g FROM generate_series(1, 10000) g" -c "VACUUM ANALYZE usertable"

# The Lattice proxy, default configuration (primary + 2 replicas in memory); port, jar
start_proxy() {
  local port=$1 jar=$2 name=$3
  local own="JAVA_OPTS_$name" args="ARGS_$name"
  # shellcheck disable=SC2086
  java $LATTICE_JAVA_OPTS ${!own:-} -jar "$jar" --port "$port" ${!args:-} > "$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  echo "$name pid $!" >&2
  until PGPASSWORD=lattice psql -h 127.0.0.1 -p "$port" -U lattice lattice -c 'select 1' >/dev/null 2>&1; do sleep 0.2; done
  PGPASSWORD=lattice psql -q -h 127.0.0.1 -p "$port" -U lattice lattice \
    -c "CREATE TABLE usertable(id INT PRIMARY KEY, f1 INT NOT NULL)" \
    -c "INSERT INTO usertable SELECT x, x FROM SYSTEM_RANGE(1, 10000) r(x)"
}
TARGETS=("postgres $PG_PORT postgres x postgres")
start_proxy $LT_PORT "$LATTICE_JAR" lattice
TARGETS+=("lattice $LT_PORT lattice lattice lattice")
port=$LT_PORT
for other in $OTHER_JARS; do
  port=$((port + 1))
  start_proxy $port "${other#*=}" "${other%%=*}"
  TARGETS+=("${other%%=*} $port lattice lattice lattice")
done

RESULTS="$WORK/results.tsv"
run() { # round script clients mode name port user password db
  local round=$1 script=$2 c=$3 mode=$4 name=$5 port=$6 user=$7 pass=$8 db=$9
  local dir="$WORK/log-$name-$script-$c-$mode-$round" j=$(( c < 2 ? 1 : 2 ))
  mkdir -p "$dir" && chmod 777 "$dir"
  if ! (cd "$dir" && PGPASSWORD=$pass pgbench -n -f "$WORK/$script.sql" -c "$c" -j "$j" -T "$SECONDS_PER_RUN" \
        -M "$mode" -l --sampling-rate=0.2 -h 127.0.0.1 -p "$port" -U "$user" "$db" > out.txt 2>&1); then
    echo "$name $script c$c $mode FAILED"; tail -3 "$dir/out.txt"; return
  fi
  local tps pct
  tps=$(grep -oE 'tps = [0-9.]+' "$dir/out.txt" | head -1 | awk '{print $3}')
  pct=$(cat "$dir"/pgbench_log.* | awk '{print $3}' | sort -n \
        | awk '{a[NR]=$1} END {printf "%d %d", a[int(NR*0.5)+1], a[int(NR*0.99)+1]}')
  printf "%-8s %-6s c%-2s %-9s round %s %9.0f tps  p50 %5s us  p99 %6s us\n" \
    "$name" "$script" "$c" "$mode" "$round" "$tps" "${pct% *}" "${pct#* }"
  printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$script" "$c" "$mode" "$name" "$tps" "${pct% *}" "${pct#* }" >> "$RESULTS"
}

# Warm-up, not measured: every script and mode on every target (the proxies' JIT, PostgreSQL's caches),
# at the most clients of the run, again and again until the target has had WARMUP_TOTAL seconds.
WARMUP_CLIENTS=$(printf '%s\n' $CLIENTS | sort -n | tail -1)
for t in "${TARGETS[@]}"; do
  read -r name port user pass db <<< "$t"
  warmed=0
  while (( warmed < ${WARMUP_TOTAL:-20} )); do
    for script in $SCRIPTS; do
      for mode in $MODES; do
        PGPASSWORD=$pass pgbench -n -f "$WORK/$script.sql" -c "$WARMUP_CLIENTS" -j $(( WARMUP_CLIENTS < 2 ? 1 : 2 )) \
          -T "${WARMUP_SECONDS:-5}" -M "$mode" -h 127.0.0.1 -p "$port" -U "$user" "$db" >/dev/null 2>&1 \
          || echo "warm-up $name $script $mode failed"
        warmed=$(( warmed + ${WARMUP_SECONDS:-5} ))
      done
    done
  done
done

echo "pgbench -n -f, 10,000 rows, ${SECONDS_PER_RUN}s per run, $ROUNDS rounds, $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for script in $SCRIPTS; do
  for c in $CLIENTS; do
    for mode in $MODES; do
      for round in $(seq 1 "$ROUNDS"); do
        order=("${TARGETS[@]}")
        if (( round % 2 == 0 )); then
          order=(); for (( i=${#TARGETS[@]}-1; i>=0; i-- )); do order+=("${TARGETS[$i]}"); done
        fi
        for t in "${order[@]}"; do
          # shellcheck disable=SC2086
          run "$round" "$script" "$c" "$mode" $t
        done
      done
    done
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

# Mean tps over the rounds, median p50 over the rounds; ratios to postgres in the same cell.
echo
echo "| script | clients | mode | target | tps (mean of rounds) | × postgres | p50 µs | p99 µs |"
echo "|---|---:|---|---|---:|---:|---:|---:|"
awk -F'\t' '
  { k=$1 FS $2 FS $3; t=$4; key=k FS t; n[key]++; tps[key]+=$5; p50[key]=(p50[key]==""?$6:p50[key] "," $6); p99[key]=(p99[key]==""?$7:p99[key] "," $7)
    if (!(k in seen)) { seen[k]=1; order[++nk]=k }
    if (!(t in tseen)) { tseen[t]=1; targets[++nt]=t } }
  END {
    for (i=1; i<=nk; i++) {
      k=order[i]; base=tps[k FS "postgres"]/n[k FS "postgres"]
      for (j=1; j<=nt; j++) {
        key=k FS targets[j]; if (!(key in n)) continue
        m=tps[key]/n[key]; split(k, f, FS)
        printf "| %s | %s | %s | %s | %.0f | %.2f | %s | %s |\n", f[1], f[2], f[3], targets[j], m, m/base, p50[key], p99[key]
      }
    }
  }' "$RESULTS"
