"""The client side of the AMQP benchmark: Celery clients (rpc:// results) feeding a queue, as an app does.

Usage: python3 celery_bench.py MODE BROKER_URL QUEUE ...; every mode prints one JSON line (drain prints a line
"filled N" before it).

burst BROKER QUEUE N
    Warm-up (untimed): 20 tasks one at a time, then a burst of N. Burst: one client sends N tasks with
    send_task as fast as it can, then waits for every result; throughput is N / (last result received - first
    send). (One-at-a-time latency is the rounds mode's.)
rounds BROKER R N NAME=QUEUE...
    One at a time, interleaved: R rounds; in each, N tasks one at a time (send_task(...).get(), each timed from
    send to result) on every queue in turn, the order reversed every other round, one client per queue in this
    process (each warmed up with 50 tasks first). So a busy moment of the machine falls on every side alike.
    Prints {NAME: {single_p50_ms, single_p90_ms, single_p99_ms, round_p50_ms, round_p99_ms, ...}}.
clients BROKER QUEUE N K
    K client processes, each warmed up with 20 tasks one at a time, start together (a barrier) and each send
    N/K tasks as fast as they can, then wait for their results; throughput is N / (latest result - earliest
    send) on time.monotonic() (one clock for every process on Linux); latencies of all clients merged.
drain BROKER QUEUE N PER_TASK
    Pre-fills QUEUE, which no worker consumes yet, with N tasks; checks that the broker holds them and that
    nothing consumes them; prints "filled N"; then (the caller starts a worker on QUEUE meanwhile) watches its
    reply queue without reading it until it holds PER_TASK result messages per task (2 where the worker sends
    STARTED too), and only then reads and checks every result. Throughput is N / (the moment every result
    message was in the reply queue - the moment the first one was), the worker's rate at the broker, which
    neither the worker's start-up nor the client's reading speed bounds; also the rate of the second half alone
    (from the moment half of them were there).

Every wait is bounded (TIMEOUT seconds for a result, 120 s for the barrier, 60 s for the fill to show).
"""
import json
import multiprocessing
import sys
import time

from celery import Celery

KWARGS = {"command": "-f lavfi -i testsrc out.mp4", "output_filename": "out.mp4"}
TIMEOUT = 600


def client(broker, queue):
    app = Celery("ffq-bench-client", broker=broker, backend="rpc://")
    app.conf.task_default_queue = queue
    app.conf.task_default_exchange = queue
    app.conf.task_default_routing_key = queue
    return app


def send(app):
    return app.send_task("ffmpeg.run", kwargs=KWARGS)


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))] if s else 0


def collect(results, clock):
    """Waits for every result; returns ({task id: arrival}, failed). Arrivals are recorded as the client reads
    each final result (on_message sees every message read while it waits, not only the awaited task's)."""
    arrived_at = {}

    def on_message(meta):
        if meta.get("status") in ("SUCCESS", "FAILURE") and meta["task_id"] not in arrived_at:
            arrived_at[meta["task_id"]] = clock()

    failed = 0
    for r in results:
        if r.id in arrived_at:
            continue
        try:
            r.get(timeout=TIMEOUT, on_message=on_message)
        except Exception:
            failed += 1
        arrived_at.setdefault(r.id, clock())
    return arrived_at, failed


def send_all(app, n, clock):
    """Sends n tasks as fast as it can; returns their send times on clock (by task id), the results, and when
    the last send returned."""
    sent_at = {}
    results = []
    for _ in range(n):
        r = send(app)
        sent_at[r.id] = clock()
        results.append(r)
    return sent_at, results, clock()


def burst(broker, queue, n):
    app = client(broker, queue)
    # Warm-up, untimed: connections, queues, the workers' first tasks, and a burst as large as the measured one
    # (a worker is a long-running process: a JVM's JIT compiles its hot paths during the first thousands of tasks).
    for _ in range(20):
        send(app).get(timeout=120)
    for r in [send(app) for _ in range(n)]:
        r.get(timeout=TIMEOUT)

    cpu0 = time.process_time()
    start = time.perf_counter()
    sent_at, results, sent_done = send_all(app, n, time.perf_counter)
    arrived_at, failed = collect(results, time.perf_counter)
    cpu = time.process_time() - cpu0
    end = max(arrived_at.values())
    latencies = [(arrived_at[i] - sent_at[i]) * 1000 for i in sent_at]
    return {
        "queue": queue,
        "burst_tasks": n,
        "failed": failed,
        "send_seconds": round(sent_done - start, 3),
        "burst_seconds": round(end - start, 3),
        "burst_client_cpu_seconds": round(cpu, 3),
        "tasks_per_second": round(n / (end - start), 1),
        "burst_p50_ms": round(pct(latencies, 50), 1),
        "burst_p99_ms": round(pct(latencies, 99), 1),
    }


def rounds(broker, r, n, sides):
    apps = [(name, client(broker, queue)) for name, queue in sides]
    for _, app in apps:
        for _ in range(50):
            send(app).get(timeout=120)
    latencies = {name: [] for name, _ in apps}
    per_round = {name: [] for name, _ in apps}
    for i in range(r):
        for name, app in (apps if i % 2 == 0 else apps[::-1]):
            seq = []
            for _ in range(n):
                t0 = time.perf_counter()
                send(app).get(timeout=120)
                seq.append((time.perf_counter() - t0) * 1000)
            latencies[name] += seq
            per_round[name].append((round(pct(seq, 50), 2), round(pct(seq, 99), 2)))
    return {name: {
        "single_tasks": len(v),
        "single_p50_ms": round(pct(v, 50), 2),
        "single_p90_ms": round(pct(v, 90), 2),
        "single_p99_ms": round(pct(v, 99), 2),
        "round_p50_ms": [x[0] for x in per_round[name]],
        "round_p99_ms": [x[1] for x in per_round[name]],
    } for name, v in latencies.items()}


def one_of_several(broker, queue, n, barrier, out):
    """One client process of the clients mode: its share of the tasks, timed on time.monotonic()."""
    try:
        app = client(broker, queue)
        for _ in range(20):
            send(app).get(timeout=120)
        barrier.wait(timeout=120)
        cpu0 = time.process_time()
        sent_at, results, sent_done = send_all(app, n, time.monotonic)
        arrived_at, failed = collect(results, time.monotonic)
        out.put({"sent": sent_at, "arrived": arrived_at, "failed": failed, "sent_done": sent_done,
                 "cpu": time.process_time() - cpu0})
    except Exception as e:  # reported by the parent, which waits for every client
        out.put({"error": repr(e)})


def clients(broker, queue, n, k):
    ctx = multiprocessing.get_context("fork")  # the parent has no connection yet: each child makes its own
    barrier = ctx.Barrier(k)
    out = ctx.Queue()
    shares = [n // k + (1 if i < n % k else 0) for i in range(k)]
    procs = [ctx.Process(target=one_of_several, args=(broker, queue, s, barrier, out)) for s in shares]
    for p in procs:
        p.start()
    try:
        parts = [out.get(timeout=TIMEOUT + 180) for _ in procs]
    finally:
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.terminate()
    errors = [p["error"] for p in parts if "error" in p]
    if errors:
        raise SystemExit("a client failed: " + "; ".join(errors))
    first = min(min(p["sent"].values()) for p in parts)
    last = max(max(p["arrived"].values()) for p in parts)
    latencies = [(p["arrived"][i] - t) * 1000 for p in parts for i, t in p["sent"].items()]
    return {
        "queue": queue,
        "clients": k,
        "clients_tasks": n,
        "clients_failed": sum(p["failed"] for p in parts),
        "clients_send_seconds": round(max(p["sent_done"] for p in parts) - first, 3),
        "clients_seconds": round(last - first, 3),
        "clients_cpu_seconds": round(sum(p["cpu"] for p in parts), 3),
        "clients_tasks_per_second": round(n / (last - first), 1),
        "clients_p50_ms": round(pct(latencies, 50), 1),
        "clients_p99_ms": round(pct(latencies, 99), 1),
    }


def drain(broker, queue, n, per_task):
    app = client(broker, queue)
    results = [send(app) for _ in range(n)]
    reply = app.backend.oid  # the client's reply queue (rpc://), declared as the tasks were sent
    with app.connection_for_write() as conn:
        deadline = time.monotonic() + 60
        while True:
            _, count, consumers = conn.default_channel.queue_declare(queue=queue, passive=True)
            if consumers:
                raise SystemExit("drain queue %s has %d consumers before the worker starts" % (queue, consumers))
            if count >= n:
                break
            if time.monotonic() > deadline:
                raise SystemExit("drain queue %s holds %d of %d tasks after 60 s" % (queue, count, n))
            time.sleep(0.05)
        print("filled %d" % count, flush=True)
        # The worker's rate, not the client's: the client reads nothing while the worker drains, and watches its
        # reply queue fill instead (a passive declare every 2 ms), until every task's result messages are there.
        expected = n * per_task
        first = middle = None
        deadline = time.monotonic() + TIMEOUT
        while True:
            _, count, _ = conn.default_channel.queue_declare(queue=reply, passive=True)
            now = time.monotonic()
            if count and first is None:
                first = now
            if middle is None and count >= expected / 2:
                middle = now
            if count >= expected:
                last = now
                break
            if now > deadline:
                raise SystemExit("reply queue %s holds %d of %d results after %d s" % (reply, count, expected, TIMEOUT))
            time.sleep(0.002)
    # Then every result is read and checked.
    cpu0 = time.process_time()
    start = time.monotonic()
    _, failed = collect(results, time.monotonic)
    read_seconds = time.monotonic() - start
    return {
        "queue": queue,
        "drain_tasks": n,
        "drain_failed": failed,
        "drain_seconds": round(last - first, 3),
        "drain_tasks_per_second": round(n / (last - first), 1) if last > first else 0,
        # The second half alone: the rate once the worker's first seconds (a JIT recompiling after the switch to
        # a new bridge, a prefork pool filling its prefetch) are behind it.
        "drain_late_half_tasks_per_second": round((n - n // 2) / (last - middle), 1) if last > middle else 0,
        "drain_client_read_seconds": round(read_seconds, 3),
        "drain_client_cpu_seconds": round(time.process_time() - cpu0, 3),
    }


def main(argv):
    mode, broker, queue = argv[1], argv[2], argv[3]
    if mode == "rounds":
        result = rounds(broker, int(argv[3]), int(argv[4]), [a.split("=", 1) for a in argv[5:]])
    elif mode == "burst":
        result = burst(broker, queue, int(argv[4]))
    elif mode == "clients":
        result = clients(broker, queue, int(argv[4]), int(argv[5]))
    elif mode == "drain":
        result = drain(broker, queue, int(argv[4]), int(argv[5]))
    else:
        raise SystemExit("mode: burst, rounds, clients or drain, got " + mode)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv)
