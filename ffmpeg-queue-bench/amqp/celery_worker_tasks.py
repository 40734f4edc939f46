"""Celery's own worker for the AMQP benchmark: a task named ffmpeg.run that does nothing.

celery -A celery_worker_tasks worker --pool=prefork --concurrency=N -Q QUEUE (BROKER_URL in the environment)
"""
import os

from celery import Celery

app = Celery("ffq-bench-worker", broker=os.environ["BROKER_URL"], backend="rpc://")


@app.task(name="ffmpeg.run")
def run(**kwargs):
    return {"status": "completed"}
