"""Periodic jobs from the queue's scheduler: two real workers (`manage.py procrastinate worker`,
two processes) on the test database, every job scheduled every second; each period's run of each
job happens once, not once per worker."""

import os
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection

from tests.production import ROOT

PERIODIC = ["publish_due", "review_due", "send_updates", "check_references", "forget_old_jobs"]


def worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "procrastinate", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def rows(sql: str, params=()) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_two_workers_run_each_periodic_job_once_per_period():
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "spasminfo.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT']}/{db['NAME']}",
        **{f"PERIODIC_{name.upper()}": "* * * * * *" for name in PERIODIC},  # every second
    }
    workers = [worker(env), worker(env)]
    try:
        deadline = time.monotonic() + 60
        while len(rows("SELECT id FROM procrastinate_workers")) < 2:  # both up and registered
            assert all(w.poll() is None for w in workers), workers[0].communicate(timeout=5)[0].decode()[-3000:]
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.2)
        time.sleep(6)
        assert all(w.poll() is None for w in workers)  # both ran the whole time
    finally:
        for w in workers:
            w.terminate()
        outputs = [w.communicate(timeout=30)[0].decode() for w in workers]

    jobs = rows(
        "SELECT task_name, (args->>'timestamp')::bigint, status, "
        "(SELECT count(*) FROM procrastinate_events e WHERE e.job_id = j.id AND e.type = 'started') "
        "FROM procrastinate_jobs j WHERE task_name = ANY(%s)",
        [PERIODIC],
    )
    per_period = Counter((task, timestamp) for task, timestamp, _, _ in jobs)
    assert per_period and max(per_period.values()) == 1, per_period  # one job per job and period
    assert all(started <= 1 for _, _, _, started in jobs)  # each started once at most, by one worker
    for name in PERIODIC:
        periods = sorted(t for task, t in per_period if task == name)
        assert len(periods) >= 4, (name, periods, outputs)  # about one a second, over six seconds
        ran = [t for task, t, status, started in jobs if task == name and status == "succeeded" and started == 1]
        assert len(ran) >= 3, (name, jobs)
