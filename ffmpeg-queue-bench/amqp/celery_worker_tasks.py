"""Celery's own worker for the AMQP benchmark: a task named ffmpeg.run that does nothing.

celery -A celery_worker_tasks worker --pool=prefork --concurrency=N -Q QUEUE (BROKER_URL in the environment)

FFQ_BENCH_TRACK_STARTED=1 turns on task_track_started: the worker then sends a STARTED result before the final
one, as ffmpeg-queue's bridge always does (Celery's default is not to).
"""
import os

from celery import Celery

app = Celery("ffq-bench-worker", broker=os.environ["BROKER_URL"], backend="rpc://")
app.conf.task_track_started = os.environ.get("FFQ_BENCH_TRACK_STARTED") == "1"


@app.task(name="ffmpeg.run")
def run(**kwargs):
    return {"status": "completed"}
