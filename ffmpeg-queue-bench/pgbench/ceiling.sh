#!/usr/bin/env bash
# The database side of PostgresQueueBackend's drain alone, with no JVM: pgbench replays a worker round (round.sql;
# minimal.sql for the least the design writes) with 1 to 4 connections and claims of 8, 16 and 32 rows, on the
# server that PGHOST/PGPORT/PGUSER/PGDATABASE name (the tables are made there: use a scratch database). Each run
# starts after a VACUUM (the backend vacuums every 10,000 claims) and with at least 150,000 PENDING rows.
# Prints tasks/s = rounds/s x rows per round. See docs/benchmarks.md, "The database side alone".
#   ceiling.sh [seconds per run, default 3]
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-3}
psql() { command psql -q -X -v ON_ERROR_STOP=1 "$@"; }
migrations=../../ffmpeg-queue-postgres/src/main/resources/io/ffmpegqueue/postgres/migration
psql -c "DROP TABLE IF EXISTS ffq_webhooks, ffq_tasks CASCADE" -c "CREATE EXTENSION IF NOT EXISTS pgcrypto" 2>/dev/null
for f in "$migrations"/V*.sql; do sed -e 's/\${schema}/public/g' -e 's/\${prefix}/ffq_/g' "$f"; done | psql 2>/dev/null
psql -f fill.sql 2>/dev/null
for script in round.sql minimal.sql; do
  for c in 1 2 3 4; do
    for n in 8 16 32; do
      if [ "$(psql -At -c "SELECT count(*) FROM ffq_tasks WHERE status = 'PENDING'")" -lt 150000 ]; then
        psql -f fill.sql 2>/dev/null
      fi
      psql -c "VACUUM ffq_tasks"
      tps=$(pgbench -n -M prepared -f "$script" -D ords='{}' -D ids='{}' -D atts='{}' -D sts='{}' -D outs='{}' \
        -D errs='{}' -D delays='{}' -D n="$n" -c "$c" -j "$c" -T "$secs" 2>&1 | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
      printf '%-12s connections %d  rows per round %2d  rounds/s %8.0f  tasks/s %8.0f\n' "$script" "$c" "$n" "$tps" \
        "$(echo "$tps * $n" | bc)"
    done
  done
done
