#!/usr/bin/env bash
# Celery's own prefork worker against ffmpeg-queue's AMQP intake (handler that does nothing), on the same
# RabbitMQ (Debian's rabbitmq-server, started here on free loopback ports in a temp folder), fed by the same
# Celery clients (Debian's python3-celery, rpc:// results). Prints both sides in one table, with the ratio.
# Usage: ffmpeg-queue-bench/amqp/celery-bench.sh [burst tasks (2000)] [one-at-a-time tasks (1000)]
#   [workers (nproc)] [clients (4)] [drain tasks (10000)]
# Measurements, on each side (see docs/benchmarks.md, "RabbitMQ and Celery"):
#   warm-up (untimed): cycles of WARM (4000) tasks from the clients and 500 one at a time; Celery one cycle per
#   worker, ours until its JIT compiled for under 200 ms in two cycles in a row (at most WARM_CYCLES, 15);
#   one at a time: send_task(...).get() in a loop, 10 rounds interleaved between the workers (all up, idle but
#   the one measured), so that a busy moment of the machine falls on each alike;
#   burst: one client sends the burst tasks as fast as it can (after a warm-up of 20 + the same burst);
#   clients: that many client processes send the burst tasks between them, together;
#   drain: a client pre-fills a fresh queue with the drain tasks, then a worker starts on it (Celery: a new
#   prefork worker, also once with task_track_started=True; ours: a second bridge in the same, warm JVM).
#   FFQ_BACKEND=postgres (an embedded PostgreSQL: results kept in the outbox until confirmed) or
#   FFQ_BACKEND=postgres-no-outbox (the same without the outbox) runs our side on PostgreSQL instead of memory.
#   PIN=B/W (CPU lists for taskset, e.g. PIN=0/1) runs the broker and the clients on CPUs B and every worker
#   (Celery's, our JVM) on CPUs W, so that the broker does not take the workers' cores (give as many workers).
# Build first: ./mvnw -B -q -pl ffmpeg-queue-bench -am package -DskipTests dependency:build-classpath \
#   -Dmdep.outputFile=$PWD/ffmpeg-queue-bench/target/cp.txt -Dmdep.includeScope=runtime
set -euo pipefail
cd "$(dirname "$0")/../.."
BURST=${1:-2000}
SINGLE=${2:-1000}
WORKERS=${3:-$(nproc)}
CLIENTS=${4:-4}
DRAIN=${5:-10000}
PYTHON=/usr/bin/python3
# The broker and the clients on CPUs B, the workers on CPUs W (PIN=B/W); everything anywhere without PIN.
BROKER_PIN=
WORKER_PIN=
if [ -n "${PIN:-}" ]; then
  BROKER_PIN="taskset -c ${PIN%%/*}"
  WORKER_PIN="taskset -c ${PIN##*/}"
fi
# The clients' Python (pinned with the broker); Celery's worker runs $PYTHON pinned with the workers.
PY="$BROKER_PIN $PYTHON"
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
# Background children ignore SIGINT in a script, so Ctrl-C must end the script itself (then cleanup runs).
trap 'exit 130' INT
trap 'exit 143' TERM
$BROKER_PIN /usr/lib/rabbitmq/bin/rabbitmq-server > "$DIR/server.out" 2>&1 &
SERVER=$!
for _ in $(seq 1 480); do (echo > "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.5; done
sleep 2

echo "machine: $(nproc --all) cores${PIN:+, broker and clients on CPUs ${PIN%%/*}, workers on CPUs ${PIN##*/}}, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rabbitmq-server $(dpkg-query -W -f='${Version}' rabbitmq-server), celery $($PY -c 'import celery; print(celery.__version__)'), java $(java -version 2>&1 | head -1)"
echo "burst $BURST tasks, then $SINGLE one at a time; $CLIENTS clients, $BURST tasks; drain $DRAIN tasks; workers: $WORKERS; our backend: ${FFQ_BACKEND:-memory}"

# A Celery prefork worker on queue $1 (in the background, $CELERY), with task_track_started=$2 (0 or 1).
start_celery() {
  (cd "$HERE" && BROKER_URL="$BROKER" FFQ_BENCH_TRACK_STARTED="$2" exec $WORKER_PIN $PYTHON -m celery -A celery_worker_tasks \
    worker --pool=prefork --concurrency="$WORKERS" -Q "$1" --loglevel=warning >> "$DIR/celery-worker.log" 2>&1) &
  CELERY=$!
  PIDS+=($CELERY)
}
stop_celery() {
  kill -TERM "$CELERY"; wait "$CELERY" 2>/dev/null || true
}
# CPU time in clock ticks (user + system) of processes $@ and their children, those alive now.
cpu_ticks() {
  local total=0 p q
  for p in "$@"; do
    for q in $p $(pgrep -P "$p" 2>/dev/null || true); do
      # Fields after the command name, which may hold spaces: utime and stime are the 12th and 13th.
      total=$((total + $(sed 's/.*) //' "/proc/$q/stat" 2>/dev/null | awk '{t = $12 + $13} END {print t + 0}')))
    done
  done
  echo "$total"
}
# Drain: a client pre-fills queue $1 with $2 tasks while nothing consumes it; once it says so, the rest of the
# arguments (after $3, the worker's result messages per task: 2 where it sends STARTED) run:
# they start a worker on $1 and set WORKER (the worker's process) and WORKER_CPU0 (its CPU ticks before).
# Then the client watches its reply queue fill up, and reads and checks every result once all are there. Its
# JSON, with the worker's and the broker's CPU seconds from the fill to the last result read (the worker's
# start-up included), lands in $DRAIN_JSON.
drain() {
  local queue=$1 count=$2 per_task=$3 line client broker0 worker_s broker_s
  shift 3
  mkfifo "$DIR/drain-$queue"
  $PY "$HERE/celery_bench.py" drain "$BROKER" "$queue" "$count" "$per_task" > "$DIR/drain-$queue" &
  client=$!
  PIDS+=($client)
  exec 4< "$DIR/drain-$queue"
  read -r -t 300 line <&4 || { echo "drain $queue: the client did not fill the queue" >&2; exit 1; }
  broker0=$(cpu_ticks "$SERVER")
  "$@"
  read -r -t 900 DRAIN_JSON <&4 || { echo "drain $queue: no result from the client" >&2; exit 1; }
  worker_s=$(awk -v t=$(($(cpu_ticks "$WORKER") - WORKER_CPU0)) -v h="$(getconf CLK_TCK)" 'BEGIN {print t / h}')
  broker_s=$(awk -v t=$(($(cpu_ticks "$SERVER") - broker0)) -v h="$(getconf CLK_TCK)" 'BEGIN {print t / h}')
  DRAIN_JSON="${DRAIN_JSON%\}}, \"drain_worker_cpu_seconds\": $worker_s, \"drain_broker_cpu_seconds\": $broker_s}"
  exec 4<&-
  wait "$client"
}
celery_drain_worker() {
  start_celery "$1" "$2"
  WORKER=$CELERY
  WORKER_CPU0=0
}
# Our drain worker: the same JVM (warm from the runs before) closes its bridge and starts one on the drain queue.
ffq_drain_worker() {
  WORKER=$FFQ
  WORKER_CPU0=$(cpu_ticks "$FFQ")
  echo "drain $1" >&3
}

# Our worker first: a JVM with the intake on bench_ffq, up while the others are measured too (idle then).
mkfifo "$DIR/ffq-in"
$WORKER_PIN java -cp "$CP" io.ffmpegqueue.bench.amqp.IntakeUnderTest "amqp://guest:guest@127.0.0.1:$PORT/%2F" bench_ffq "$WORKERS" "${FFQ_BACKEND:-memory}" < "$DIR/ffq-in" > "$DIR/ffq.log" 2>&1 &
FFQ=$!
PIDS+=($FFQ)
exec 3> "$DIR/ffq-in"
for _ in $(seq 1 120); do grep -q ready "$DIR/ffq.log" && break; sleep 0.5; done
# Celery's workers on their queues, its default and task_track_started=True, for the runs below but the drains.
if [ -z "${FFQ_ONLY:-}" ]; then
  start_celery bench_celery 0
  CELERY_DEFAULT=$CELERY
  start_celery bench_celery_started 1
  CELERY_TRACKED=$CELERY
fi

# Warm-up, untimed. A cycle: $WARM tasks from $CLIENTS clients together, then 500 one at a time. Celery's workers
# get one cycle each (Python compiles nothing). Ours gets cycles until its JIT compiled for less than 200 ms in
# each of two in a row, at most $WARM_CYCLES: a long-running worker's JIT has settled, and until it has, C2's compiles take a core
# of the two from the threads a task passes through (one-at-a-time p99 fell from 9 to 3 ms over 45 s of cycles).
WARM=${WARM:-4000}
WARM_CYCLES=${WARM_CYCLES:-15}
warm_cycle() {
  $PY "$HERE/celery_bench.py" clients "$BROKER" "$1" "$WARM" "$CLIENTS" > /dev/null
  $PY "$HERE/celery_bench.py" rounds "$BROKER" 1 500 "warm=$1" > /dev/null
}
# The JIT's compiling time so far in ms, as our JVM reports it.
jit_ms() {
  local before
  before=$(grep -c '^jit ' "$DIR/ffq.log" || true)
  echo jit >&3
  for _ in $(seq 1 100); do
    [ "$(grep -c '^jit ' "$DIR/ffq.log" || true)" -gt "$before" ] && break
    sleep 0.1
  done
  grep '^jit ' "$DIR/ffq.log" | tail -1 | cut -d' ' -f2
}
# Our JVM's GC so far: collections and their pauses in ms (from the last jit_ms).
gc_so_far() {
  grep '^jit ' "$DIR/ffq.log" | tail -1 | cut -d' ' -f4-5
}
if [ -z "${FFQ_ONLY:-}" ]; then
  warm_cycle bench_celery
  warm_cycle bench_celery_started
fi
JIT=$(jit_ms)
QUIET=0
for c in $(seq 1 "$WARM_CYCLES"); do
  warm_cycle bench_ffq
  NOW=$(jit_ms)
  echo "ffmpeg-queue warm-up cycle $c: the JIT compiled for $((NOW - JIT)) ms"
  if [ $((NOW - JIT)) -lt 200 ]; then QUIET=$((QUIET + 1)); else QUIET=0; fi
  [ "$QUIET" -ge 2 ] && break
  JIT=$NOW
done

# One at a time, interleaved rounds on every worker (10 rounds, the order reversed every other one).
if [ -z "${FFQ_ONLY:-}" ]; then
  SIDES="celery=bench_celery tracked=bench_celery_started ffq=bench_ffq"
else
  SIDES="ffq=bench_ffq"
fi
JIT=$(jit_ms)
read -r GC0 GCMS0 < <(gc_so_far)
ROUNDS_JSON=$($PY "$HERE/celery_bench.py" rounds "$BROKER" 10 $(((SINGLE + 9) / 10)) $SIDES)
echo "one at a time: $ROUNDS_JSON"
NOW=$(jit_ms)
read -r GC1 GCMS1 < <(gc_so_far)
echo "ffmpeg-queue during the one-at-a-time rounds: the JIT compiled for $((NOW - JIT)) ms; $((GC1 - GC0)) GC pauses, $((GCMS1 - GCMS0)) ms in all"

# Bursts, each worker in turn.
if [ -z "${FFQ_ONLY:-}" ]; then
  CELERY_JSON=$($PY "$HERE/celery_bench.py" burst "$BROKER" bench_celery "$BURST")
  echo "celery: $CELERY_JSON"
  CELERY_STARTED_BURST_JSON=$($PY "$HERE/celery_bench.py" burst "$BROKER" bench_celery_started "$BURST")
  echo "celery, task_track_started: $CELERY_STARTED_BURST_JSON"
fi
FFQ_JSON=$($PY "$HERE/celery_bench.py" burst "$BROKER" bench_ffq "$BURST")
echo "ffmpeg-queue: $FFQ_JSON"
if [ -z "${FFQ_ONLY:-}" ]; then
  CELERY_CLIENTS_JSON=$($PY "$HERE/celery_bench.py" clients "$BROKER" bench_celery "$BURST" "$CLIENTS")
  echo "celery, $CLIENTS clients: $CELERY_CLIENTS_JSON"
fi
FFQ_CLIENTS_JSON=$($PY "$HERE/celery_bench.py" clients "$BROKER" bench_ffq "$BURST" "$CLIENTS")
echo "ffmpeg-queue, $CLIENTS clients: $FFQ_CLIENTS_JSON"

# Drains: a fresh worker on a pre-filled queue, one at a time.
if [ -n "${FFQ_ONLY:-}" ]; then
  # Our side only, to try a setting quickly: Celery's columns are left empty.
  CELERY_JSON='{}' CELERY_CLIENTS_JSON='{}' CELERY_DRAIN_JSON='{}' CELERY_STARTED_JSON='{}' CELERY_STARTED_BURST_JSON='{}'
else
  CELERY=$CELERY_DEFAULT stop_celery
  CELERY=$CELERY_TRACKED stop_celery
  drain bench_celery_drain "$DRAIN" 1 celery_drain_worker bench_celery_drain 0
  CELERY_DRAIN_JSON=$DRAIN_JSON
  echo "celery, drain: $CELERY_DRAIN_JSON"
  stop_celery
  drain bench_celery_drain_started "$DRAIN" 2 celery_drain_worker bench_celery_drain_started 1
  CELERY_STARTED_JSON=$DRAIN_JSON
  echo "celery, drain, task_track_started: $CELERY_STARTED_JSON"
  stop_celery
fi
# An untimed drain first (at most 5000 tasks), so that the JIT has compiled the drain's own path (a backlog at the
# prefetch, a bridge starting) as well; it is not in the table.
drain bench_ffq_drain_warmup $((DRAIN < 5000 ? DRAIN : 5000)) 2 ffq_drain_worker bench_ffq_drain_warmup
echo "ffmpeg-queue, warm-up drain (untimed): $DRAIN_JSON"
drain bench_ffq_drain "$DRAIN" 2 ffq_drain_worker bench_ffq_drain
FFQ_DRAIN_JSON=$DRAIN_JSON
echo "ffmpeg-queue, drain: $FFQ_DRAIN_JSON"
exec 3>&-
wait "$FFQ" || true
grep '^bridge on' "$DIR/ffq.log" || tail -5 "$DIR/ffq.log"
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

[ -z "${FFQ_ONLY:-}" ] || exit 0
$PY - "$CLIENTS" "$CELERY_JSON" "$CELERY_CLIENTS_JSON" "$CELERY_DRAIN_JSON" "$CELERY_STARTED_JSON" \
  "$CELERY_STARTED_BURST_JSON" "$FFQ_JSON" "$FFQ_CLIENTS_JSON" "$FFQ_DRAIN_JSON" "$ROUNDS_JSON" <<'PYEOF'
import json, sys
k = sys.argv[1]
cb, cc, cd, cs, csb, fb, fc, fd, rounds = (json.loads(a) for a in sys.argv[2:])
c, f = {**cb, **cc, **cd, **rounds["celery"]}, {**fb, **fc, **fd, **rounds["ffq"]}
csb = {**csb, **rounds["tracked"]}
c["started_tasks_per_second"], f["started_tasks_per_second"] = cs["drain_tasks_per_second"], f["drain_tasks_per_second"]
for key in ("tasks_per_second", "burst_p50_ms", "burst_p99_ms", "single_p50_ms", "single_p90_ms", "single_p99_ms"):
    c["tts_" + key], f["tts_" + key] = csb[key], f[key]
c["all_failed"] = c["failed"] + c["clients_failed"] + c["drain_failed"] + cs["drain_failed"] + csb["failed"]
f["all_failed"] = f["failed"] + f["clients_failed"] + f["drain_failed"]
for x in (c, f):
    x["worker_ms"] = round(x["drain_worker_cpu_seconds"] * 1000 / x["drain_tasks"], 3)
    x["broker_ms"] = round(x["drain_broker_cpu_seconds"] * 1000 / x["drain_tasks"], 3)
rows = [("tasks/s (burst, one client, send_task to result)", "tasks_per_second"), ("burst p50 ms", "burst_p50_ms"),
        ("burst p99 ms", "burst_p99_ms"), ("one at a time p50 ms (interleaved rounds)", "single_p50_ms"),
        ("one at a time p90 ms", "single_p90_ms"), ("one at a time p99 ms", "single_p99_ms"),
        ("tasks/s (burst, %s clients, earliest send to latest result)" % k, "clients_tasks_per_second"),
        ("%s clients p50 ms" % k, "clients_p50_ms"), ("%s clients p99 ms" % k, "clients_p99_ms"),
        ("tasks/s (drain of a pre-filled queue: every result in the reply queue, first to last)", "drain_tasks_per_second"),
        ("tasks/s (drain, second half of the results only)", "drain_late_half_tasks_per_second"),
        ("tasks/s (drain; Celery with task_track_started=True)", "started_tasks_per_second"),
        ("tasks/s (burst, one client; Celery with task_track_started=True)", "tts_tasks_per_second"),
        ("burst p50 ms (Celery with task_track_started=True)", "tts_burst_p50_ms"),
        ("burst p99 ms (Celery with task_track_started=True)", "tts_burst_p99_ms"),
        ("one at a time p50 ms (Celery with task_track_started=True)", "tts_single_p50_ms"),
        ("one at a time p90 ms (Celery with task_track_started=True)", "tts_single_p90_ms"),
        ("one at a time p99 ms (Celery with task_track_started=True)", "tts_single_p99_ms"),
        ("drain: worker CPU ms per task (from the fill, start-up included)", "worker_ms"),
        ("drain: broker CPU ms per task", "broker_ms"),
        ("drain: the client's reading of every result afterwards, s", "drain_client_read_seconds"),
        ("failed (all runs)", "all_failed")]
print("| measure | Celery prefork worker | ffmpeg-queue AMQP intake | ratio |")
print("| --- | ---: | ---: | ---: |")
for name, key in rows:
    ratio = "" if not c[key] else "%.2fx" % (f[key] / c[key])
    print("| %s | %s | %s | %s |" % (name, c[key], f[key], ratio))
PYEOF
