"""The Celery side of the AMQP benchmark: one Celery client (rpc:// results) feeding a queue, as an app does.

Usage: python3 celery_bench.py BROKER_URL QUEUE BURST_TASKS LATENCY_TASKS
Warm-up (untimed): 20 tasks one at a time, then a burst of BURST_TASKS.
Burst: sends BURST_TASKS with send_task as fast as it can, then waits for every result; throughput is
tasks / (last result received - first send). Latency: LATENCY_TASKS one at a time, send_task(...).get(),
each measured from send to result. Prints one JSON line.
"""
import json
import sys
import time

from celery import Celery

broker, queue, burst, sequential = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
app = Celery("ffq-bench-client", broker=broker, backend="rpc://")
app.conf.task_default_queue = queue
app.conf.task_default_exchange = queue
app.conf.task_default_routing_key = queue
KWARGS = {"command": "-f lavfi -i testsrc out.mp4", "output_filename": "out.mp4"}


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


# Warm-up, untimed: connections, queues, the workers' first tasks, and a burst as large as the measured one
# (a worker is a long-running process: a JVM's JIT compiles its hot paths during the first thousands of tasks).
for _ in range(20):
    app.send_task("ffmpeg.run", kwargs=KWARGS).get(timeout=120)
for r in [app.send_task("ffmpeg.run", kwargs=KWARGS) for _ in range(burst)]:
    r.get(timeout=600)

sent_at = {}
arrived_at = {}


def on_message(meta):
    if meta.get("status") in ("SUCCESS", "FAILURE") and meta["task_id"] not in arrived_at:
        arrived_at[meta["task_id"]] = time.perf_counter()


start = time.perf_counter()
results = []
for _ in range(burst):
    r = app.send_task("ffmpeg.run", kwargs=KWARGS)
    sent_at[r.id] = time.perf_counter()
    results.append(r)
sent_done = time.perf_counter()
failed = 0
for r in results:
    if r.id in arrived_at:
        continue
    try:
        r.get(timeout=600, on_message=on_message)
    except Exception:
        failed += 1
    arrived_at.setdefault(r.id, time.perf_counter())
end = max(arrived_at.values())
burst_latencies = [(arrived_at[i] - sent_at[i]) * 1000 for i in sent_at]

seq = []
for _ in range(sequential):
    t0 = time.perf_counter()
    app.send_task("ffmpeg.run", kwargs=KWARGS).get(timeout=120)
    seq.append((time.perf_counter() - t0) * 1000)

print(json.dumps({
    "queue": queue,
    "burst_tasks": burst,
    "failed": failed,
    "send_seconds": round(sent_done - start, 3),
    "burst_seconds": round(end - start, 3),
    "tasks_per_second": round(burst / (end - start), 1),
    "burst_p50_ms": round(pct(burst_latencies, 50), 1),
    "burst_p99_ms": round(pct(burst_latencies, 99), 1),
    "single_tasks": sequential,
    "single_p50_ms": round(pct(seq, 50), 2),
    "single_p99_ms": round(pct(seq, 99), 2),
}), flush=True)
