"""A running worker (`manage.py procrastinate worker`, its own process, as `make run` and production
start it) takes a job as soon as the change that wrote it commits: PostgreSQL's NOTIFY wakes it."""

import os
import statistics
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection, transaction

from operations.mail import queue_mail, reader_mail
from tests.production import ROOT


def finished_at(job_id: int):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT clock_timestamp() - (SELECT at FROM procrastinate_events WHERE job_id = %s AND type = 'succeeded')"
            ", (SELECT status FROM procrastinate_jobs WHERE id = %s)",
            [job_id, job_id],
        )
        return cursor.fetchone()


@pytest.mark.django_db(transaction=True)
def test_a_running_worker_does_a_job_within_a_second_of_its_commit():
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "spasminfo.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT']}/{db['NAME']}",
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "procrastinate", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    latencies = []
    try:
        deadline = time.monotonic() + 60
        with connection.cursor() as cursor:
            while True:
                cursor.execute("SELECT count(*) FROM procrastinate_workers")
                if cursor.fetchone()[0]:
                    break
                assert worker.poll() is None and time.monotonic() < deadline, "the worker did not start"
                time.sleep(0.1)
        time.sleep(0.5)  # listening
        for n in range(20):
            with transaction.atomic():
                job = queue_mail(reader_mail(subject=f"Latency {n}", text="Hello", to=["a@example.org"]))
            committed = time.monotonic()
            while True:
                age, status = finished_at(job)
                if status == "succeeded":
                    break
                assert time.monotonic() - committed < 30, f"job {job} is {status} after 30 s"
                time.sleep(0.005)
            latencies.append(time.monotonic() - committed - age.total_seconds())
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode()
    median = statistics.median(latencies)
    print(
        f"\nQueue latency, commit to done (20 mail jobs, one worker): median {median * 1000:.0f} ms, "
        f"max {max(latencies) * 1000:.0f} ms"
    )
    assert median < 1.0, output[-2000:]
