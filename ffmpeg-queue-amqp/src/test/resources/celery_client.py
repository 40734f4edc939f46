"""A Celery client, as an application would write it: send_task(...).get() against the rpc:// backend.

Usage: python3 celery_client.py SPEC.json
SPEC: {"broker": URL, "queue": "celery", "task": "ffmpeg.run", "timeout": seconds,
       "tasks": [{"kwargs": {...}, "task_id": optional, "watch_started": bool, "revoke_when_started": bool}, ...],
       "wait_for_go": bool (read a line from stdin between sending and waiting),
       "send_only": bool (print the reply queue and the ids instead of waiting),
       "collect_oid": reply queue, "collect_ids": [...] (wait for these as the process that sent them would)}
Prints "sent N" once every task is sent, then one JSON line: a list of
{"id", "state", "result" | "exc_type" + "exc_message", "states" (seen while watching), "reconnects"}.
A lost broker connection while waiting (a broker restart) is survived: the result consumer connects again
to the same reply queue, and waiting goes on.
"""
import faulthandler
import json
import socket
import sys
import time

import celery.exceptions
from celery import Celery

spec = json.load(open(sys.argv[1]))
app = Celery("ffq-test-client", broker=spec["broker"], backend="rpc://")
app.conf.task_default_queue = spec.get("queue", "celery")
app.conf.task_default_exchange = spec.get("queue", "celery")
app.conf.task_default_routing_key = spec.get("queue", "celery")
app.conf.broker_connection_retry = True
app.conf.broker_connection_max_retries = 100
deadline = time.time() + spec.get("timeout", 120)
# A client still running past its deadline is stuck somewhere: its threads' stacks go to stderr for the test.
faulthandler.dump_traceback_later(spec.get("timeout", 120) + 5, exit=False)
name = spec.get("task", "ffmpeg.run")

sent = []
if spec.get("collect_ids"):
    # A client process started again: it reads the reply queue of the one that sent the tasks.
    app._local.oid = spec["collect_oid"]
    sent = [({}, app.AsyncResult(i)) for i in spec["collect_ids"]]
for t in spec["tasks"]:
    r = app.send_task(name, kwargs=t.get("kwargs", {}), args=t.get("args"), task_id=t.get("task_id"))
    sent.append((t, r))
print("sent %d" % len(sent), flush=True)
if spec.get("send_only"):
    print(json.dumps([{"oid": app.backend.oid, "id": r.id} for _, r in sent]), flush=True)
    sys.exit(0)
if spec.get("wait_for_go"):
    sys.stdin.readline()  # the test restarts the broker meanwhile; then the results are awaited

RECOVERABLE = (ConnectionError, OSError, socket.error)
try:
    import amqp.exceptions
    import kombu.exceptions
    RECOVERABLE = RECOVERABLE + (amqp.exceptions.RecoverableConnectionError,
                                 amqp.exceptions.ConnectionForced,
                                 kombu.exceptions.OperationalError)
except ImportError:
    pass


def reconnect(first_id):
    """Drops the dead result connection and consumes the reply queue again on a new one."""
    rc = app.backend.result_consumer
    try:
        if rc._connection is not None:
            rc._connection.collect()
    except Exception:
        pass
    rc._connection = None
    rc._consumer = None
    while time.time() < deadline:
        try:
            rc.start(first_id)
            return
        except RECOVERABLE as e:
            log("reconnect attempt failed (%s: %s)" % (type(e).__name__, e))
            time.sleep(0.5)


started = time.time()


def log(line):
    print("[celery client %s +%.1f s] %s" % (time.strftime("%H:%M:%S", time.gmtime()), time.time() - started, line),
          file=sys.stderr, flush=True)


received = {}  # task id -> the states the result consumer saw for it (diagnosis of a missing result)
_on_state_change = app.backend.result_consumer.on_state_change


def _seen(meta, message):
    received.setdefault(meta.get("task_id"), []).append(meta.get("status"))
    return _on_state_change(meta, message)


app.backend.result_consumer.on_state_change = _seen
out = []
reconnects = 0
for t, r in sent:
    states = []
    if t.get("watch_started") or t.get("revoke_when_started"):
        while time.time() < deadline:
            s = r.state
            if not states or states[-1] != s:
                states.append(s)
            if s in ("STARTED", "SUCCESS", "FAILURE", "REVOKED"):
                break
            time.sleep(0.05)
        if t.get("revoke_when_started"):
            r.revoke()
    entry = {"id": r.id, "states": states}
    try:
        # A result that already came (Celery's consumer buffers the ones it was not waiting for): taken as get()
        # takes it, without get()'s one drain of up to a second that Celery 5.2 does even for a buffered
        # result (Drainer.drain_events_until looks at readiness only after a drain); for 1,000 results that
        # arrived during a broker restart, that alone would be 1,000 s.
        r._maybe_set_cache(app.backend._pending_messages.take(r.id))
    except Exception:
        pass
    if time.time() >= deadline and not r._cache:
        # past the deadline, get() would still drain for a second per result: the rest is reported missing
        entry.update(state="TIMEOUT", exc_type="TimeoutError", exc_message="not waited for: past the deadline")
    while "state" not in entry:
        try:
            value = r.get(timeout=max(0.01, deadline - time.time()))
            entry.update(state="SUCCESS", result=value)
            break
        except RECOVERABLE as e:
            if time.time() >= deadline:
                entry.update(state="LOST", exc_type=type(e).__name__, exc_message=str(e))
                break
            reconnects += 1
            log("lost the result connection while waiting for task %d (%s: %s); reconnecting" % (len(out), type(e).__name__, e))
            reconnect(r.id)
            log("result consumer back on reply queue %s" % app.backend.oid)
        except celery.exceptions.TimeoutError as e:
            entry.update(state="TIMEOUT", exc_type=type(e).__name__, exc_message=str(e))
            break
        except Exception as e:  # the task's own failure, raised as Celery raises it
            entry.update(state=r.state, exc_type=type(e).__name__, exc_message=str(e.args[0]) if e.args else str(e))
            break
    out.append(entry)

for e in out:
    e["reconnects"] = reconnects
missing = [i for i, e in enumerate(out) if e["state"] in ("TIMEOUT", "LOST")]
if missing:
    log("%d result(s) missing, the first at tasks %s; the consumer saw for them: %s" % (
        len(missing), missing[:10], [received.get(out[i]["id"]) for i in missing[:10]]))
    rc = app.backend.result_consumer
    first = out[missing[0]]["id"]
    log("the consumer saw %d message(s) for %d task(s); buffer %r, first missing buffered: %s; pending %s;"
        " consuming %s; first missing's entry: %s" % (
            sum(len(v) for v in received.values()), len(received), app.backend._pending_messages,
            first in app.backend._pending_messages, [list(m.keys())[:3] for m in app.backend._pending_results],
            getattr(rc._consumer, "_active_tags", None), out[missing[0]]))
    try:  # where they are: still in the reply queue (not delivered), or not there (never routed to it)
        with app.connection() as c:
            q = c.default_channel.queue_declare(queue=app.backend.oid, passive=True)
            log("reply queue %s: %d message(s) ready, %d consumer(s)" % (q.queue, q.message_count, q.consumer_count))
    except Exception as e:
        log("reply queue %s: %s: %s" % (app.backend.oid, type(e).__name__, e))
print(json.dumps(out), flush=True)
