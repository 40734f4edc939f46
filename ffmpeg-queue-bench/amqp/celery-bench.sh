#!/usr/bin/env bash
# Celery's own prefork worker against ffmpeg-queue's AMQP intake (handler that does nothing), on the same
# RabbitMQ (Debian's rabbitmq-server, started here on free loopback ports in a temp folder), fed by the same
# Celery client (Debian's python3-celery, rpc:// results). Prints both and the ratio.
# Usage: ffmpeg-queue-bench/amqp/celery-bench.sh [burst tasks (2000)] [one-at-a-time tasks (200)] [workers (nproc)]
#   FFQ_BACKEND=postgres (an embedded PostgreSQL: results kept in the outbox until confirmed) or
#   FFQ_BACKEND=postgres-no-outbox (the same without the outbox) runs our side on PostgreSQL instead of memory.
# Build first: ./mvnw -B -q -pl ffmpeg-queue-bench -am package -DskipTests dependency:build-classpath \
#   -Dmdep.outputFile=$PWD/ffmpeg-queue-bench/target/cp.txt -Dmdep.includeScope=runtime
set -euo pipefail
cd "$(dirname "$0")/../.."
BURST=${1:-2000}
SINGLE=${2:-200}
WORKERS=${3:-$(nproc)}
PY=/usr/bin/python3
HERE=ffmpeg-queue-bench/amqp
CP=ffmpeg-queue-bench/target/classes:$(cat ffmpeg-queue-bench/target/cp.txt)

DIR=$(mktemp -d /tmp/ffq-amqp-bench.XXXXXX)
read -r PORT DIST EPMD < <($PY -c 'import socket
s=[socket.socket() for _ in range(3)]
[x.bind(("127.0.0.1", 0)) for x in s]
print(*[x.getsockname()[1] for x in s])')
printf 'listeners.tcp.1 = 127.0.0.1:%s\nlog.console = false\nlog.file.level = warning\n' "$PORT" > "$DIR/rabbitmq.conf"
echo '[].' > "$DIR/enabled_plugins"
: > "$DIR/rabbitmq-env.conf"
export HOME=$DIR RABBITMQ_NODENAME=ffqbench$PORT@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
  RABBITMQ_NODE_PORT=$PORT RABBITMQ_DIST_PORT=$DIST ERL_EPMD_PORT=$EPMD ERL_EPMD_ADDRESS=127.0.0.1 \
  RABBITMQ_MNESIA_BASE=$DIR/mnesia RABBITMQ_LOG_BASE=$DIR/log RABBITMQ_CONFIG_FILE=$DIR/rabbitmq \
  RABBITMQ_CONF_ENV_FILE=$DIR/rabbitmq-env.conf RABBITMQ_ENABLED_PLUGINS_FILE=$DIR/enabled_plugins
BROKER="amqp://guest:guest@127.0.0.1:$PORT//"
PIDS=()
SERVER=
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$SERVER" ] || return 0
  # The Erlang VM is the server script's child; SIGTERM stops the node in order.
  for BEAM in $(pgrep -P "$SERVER" 2>/dev/null || true); do
    kill -TERM "$BEAM" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$BEAM" 2>/dev/null || break; sleep 0.5; done
  done
  # epmd detaches from the node: stop it on its own port.
  epmd -port "$EPMD" -kill >/dev/null 2>&1 || true
  cp "$DIR/celery-worker.log" "${TMPDIR:-/tmp}/ffq-amqp-bench-celery-worker.log" 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT
/usr/lib/rabbitmq/bin/rabbitmq-server > "$DIR/server.out" 2>&1 &
SERVER=$!
for _ in $(seq 1 480); do (echo > "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.5; done
sleep 2

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rabbitmq-server $(dpkg-query -W -f='${Version}' rabbitmq-server), celery $($PY -c 'import celery; print(celery.__version__)'), java $(java -version 2>&1 | head -1)"
echo "burst $BURST tasks, then $SINGLE one at a time; workers: $WORKERS; our backend: ${FFQ_BACKEND:-memory}"

(cd "$HERE" && BROKER_URL="$BROKER" exec $PY -m celery -A celery_worker_tasks worker --pool=prefork \
  --concurrency="$WORKERS" -Q bench_celery --loglevel=warning > "$DIR/celery-worker.log" 2>&1) &
CELERY=$!
PIDS+=($CELERY)
CELERY_JSON=$($PY "$HERE/celery_bench.py" "$BROKER" bench_celery "$BURST" "$SINGLE")
echo "celery: $CELERY_JSON"
kill -TERM "$CELERY"; wait "$CELERY" 2>/dev/null || true

mkfifo "$DIR/ffq-in"
java -cp "$CP" io.ffmpegqueue.bench.amqp.IntakeUnderTest "amqp://guest:guest@127.0.0.1:$PORT/%2F" bench_ffq "$WORKERS" "${FFQ_BACKEND:-memory}" < "$DIR/ffq-in" > "$DIR/ffq.log" 2>&1 &
FFQ=$!
PIDS+=($FFQ)
exec 3> "$DIR/ffq-in"
for _ in $(seq 1 120); do grep -q ready "$DIR/ffq.log" && break; sleep 0.5; done
FFQ_JSON=$($PY "$HERE/celery_bench.py" "$BROKER" bench_ffq "$BURST" "$SINGLE")
echo "ffmpeg-queue: $FFQ_JSON"
exec 3>&-
wait "$FFQ" || true
tail -1 "$DIR/ffq.log"

$PY - "$CELERY_JSON" "$FFQ_JSON" <<'PYEOF'
import json, sys
c, f = json.loads(sys.argv[1]), json.loads(sys.argv[2])
rows = [("tasks/s (burst, send_task to result)", "tasks_per_second"), ("burst p50 ms", "burst_p50_ms"),
        ("burst p99 ms", "burst_p99_ms"), ("one at a time p50 ms", "single_p50_ms"),
        ("one at a time p99 ms", "single_p99_ms"), ("failed", "failed")]
print("| measure | Celery prefork worker | ffmpeg-queue AMQP intake | ratio |")
print("| --- | ---: | ---: | ---: |")
for name, k in rows:
    ratio = "" if not c[k] else "%.2fx" % (f[k] / c[k])
    print("| %s | %s | %s | %s |" % (name, c[k], f[k], ratio))
PYEOF
