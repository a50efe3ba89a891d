"""Periodic jobs: a management command run from the queue's scheduler, once per period.

Every worker runs procrastinate's periodic deferrer; each period's job is inserted once whatever
the number of workers (a unique row per task and period in `procrastinate_periodic_defers`),
and one worker takes it (`FOR UPDATE SKIP LOCKED`). The schedules are SPASMINFO_PERIODIC.
"""

import io
import logging

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from procrastinate.contrib.django import app

logger = logging.getLogger("spasminfo.periodic")


def periodic_command(name: str, command: str, *args: str):
    """Register `manage.py command *args` as the periodic job `name` (its schedule: SPASMINFO_PERIODIC[name])."""

    @app.periodic(cron=settings.SPASMINFO_PERIODIC[name], periodic_id=name)
    @app.task(name=name, queueing_lock=name)
    def run(timestamp: int) -> None:
        out = io.StringIO()
        call_command(command, *args, stdout=out)
        logger.info("%s (period %s): %s", name, timestamp, out.getvalue().strip())

    return run


@app.periodic(cron=settings.SPASMINFO_PERIODIC["forget_old_jobs"], periodic_id="forget_old_jobs")
@app.task(name="forget_old_jobs", queueing_lock="forget_old_jobs")
def forget_old_jobs(timestamp: int) -> None:
    """Succeeded jobs are kept a week (what was sent, and when), then go."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM procrastinate_jobs job WHERE job.status = 'succeeded' AND NOT EXISTS ("
            " SELECT 1 FROM procrastinate_events event WHERE event.job_id = job.id"
            " AND event.at > now() - interval '7 days')"
        )
        logger.info("forget_old_jobs (period %s): %s jobs forgotten", timestamp, cursor.rowcount)
