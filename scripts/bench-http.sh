#!/usr/bin/env bash
# Benchmark of HTTP registration (not a test): the server jar with NUM_WORKERS=0, so only the API and
# the queue are measured, loaded by wrk with CONNECTIONS concurrent keep-alive clients that each POST
# the guide's register body. Prints wrk's figures (requests/s, latency percentiles).
#
#   ./mvnw -q package -DskipTests -pl ffmpeg-queue-examples -am && nice -n -20 scripts/bench-http.sh
#
# (nice -n -20, as root, on a shared machine: the neighbours then yield the CPU to the server and wrk.)
#
# Environment: CONNECTIONS (64), THREADS (wrk threads, 2), WARMUP (10s), DURATION (30s), PORT (18123),
# LOG (where the server's log goes, incl. one access-log line per request; /tmp/ffq-bench-server.log),
# HTTP_THREADS (the server's request threads, 8), JAVA_OPTS (the server JVM's options; by default a
# fixed 4 GiB heap and the parallel collector with a small young generation: with no workers every
# registered task stays in memory and each young collection copies those registered since the last, so
# short, frequent ones keep the latency tail down; docs/benchmarks.md compares 16m, 32m, 64m and ZGC).
# RATE (12000): after the run at full speed, a second run in which the connections together ask for
# about RATE registrations a second (scripts/wrk-register.lua with RATE set): the latency at a load the
# server is meant to carry. PACED_ONLY (set it to skip the run at full speed).
# Needs wrk (Debian: apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
WARMUP="${WARMUP:-10s}"
DURATION="${DURATION:-30s}"
PORT="${PORT:-18123}"
HTTP_THREADS="${HTTP_THREADS:-8}"
RATE="${RATE:-12000}"
PACED_ONLY="${PACED_ONLY:-}"
JAVA_OPTS="${JAVA_OPTS:--Xms4g -Xmx4g -Xmn32m -XX:+UseParallelGC}"
LOG="${LOG:-/tmp/ffq-bench-server.log}"
JAR=ffmpeg-queue-examples/target/ffmpeg-queue-server.jar

command -v wrk >/dev/null || { echo "bench-http.sh: wrk is required (apt-get install wrk)" >&2; exit 2; }
[[ -f "$JAR" ]] || { echo "bench-http.sh: build $JAR first" >&2; exit 2; }

# MAX_QUEUE high enough that nothing is refused: every registration stays pending (no workers).
echo "server: NUM_WORKERS=0 MAX_QUEUE=10000000 HTTP_THREADS=$HTTP_THREADS java $JAVA_OPTS -jar $JAR"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
NUM_WORKERS=0 HOST=127.0.0.1 PORT="$PORT" MAX_QUEUE=10000000 HTTP_THREADS="$HTTP_THREADS" \
  INPUT_ALLOWED_DIRS=/srv/media java $JAVA_OPTS -jar "$JAR" >"$LOG" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null

url="http://127.0.0.1:$PORT/ffmpeg/register"
echo "warm-up ($WARMUP)..."
env -u RATE wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s scripts/wrk-register.lua "$url" >/dev/null
if [[ -z "$PACED_ONLY" ]]; then
  echo "measure, full speed: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency -s scripts/wrk-register.lua $url"
  env -u RATE wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s scripts/wrk-register.lua "$url"
fi
echo "measure, paced: RATE=$RATE CONNECTIONS=$CONNECTIONS wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency -s scripts/wrk-register.lua $url"
RATE="$RATE" CONNECTIONS="$CONNECTIONS" \
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s scripts/wrk-register.lua "$url"
echo "queue_size after the run: $(curl -fsS "http://127.0.0.1:$PORT/ffmpeg/queue/size")"
