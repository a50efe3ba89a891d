"""The task queue: side effects (mails, proxy purges, renditions) and periodic jobs, off the request.

procrastinate keeps its jobs in tables of the site's own PostgreSQL. A job is deferred through
Django's connection, so it is written in the transaction of the change that asks for it: it
exists exactly when the change committed, and a crash after the commit loses nothing (no
`on_commit` hook to miss). `manage.py procrastinate worker` runs them (`make run` starts one;
production runs it as its own process, docs/DEPLOYMENT.md). A job that fails is tried again
with a growing wait (`RETRY`) until it succeeds, so each job must be idempotent.

`run_due_jobs()` runs the due jobs in this process, on this connection: the worker's task
functions and retry rule, for tests (inside their transaction) and a shell.
"""

import datetime
import json
import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from procrastinate import RetryDecision, retry
from procrastinate.contrib.django import app
from procrastinate.jobs import Job

logger = logging.getLogger("spasminfo.queue")


class Backoff(retry.BaseRetryStrategy):
    """Try again after 2, 4, 8 ... seconds, at most SPASMINFO_JOB_RETRY_MAX_SECONDS apart, for ever:
    a mail server or proxy that is down for a day gets its mails and purges when it is back."""

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision:
        wait = min(2 ** (job.attempts + 1), settings.SPASMINFO_JOB_RETRY_MAX_SECONDS)
        logger.warning(
            "Job %s (%s) failed, try %s; again in %s s: %s", job.id, job.task_name, job.attempts + 1, wait, exception
        )
        return RetryDecision(retry_in={"seconds": wait})


RETRY = Backoff()


def run_due_jobs(*, now: datetime.datetime | None = None, after: int = 0, limit: int = 1000) -> dict[str, int]:
    """Run every job due by `now` (default: now; with an id above `after`) in this process, on
    Django's connection, one at a time, each in its own savepoint, with the tasks' retry rule:
    a failure leaves the job waiting for its next try (not in this call). Returns how many succeeded and failed."""
    now = now or timezone.now()
    done = {"succeeded": 0, "failed": 0}
    tried: list[int] = []  # each job once per call, even if its retry is due by `now`
    for _ in range(limit):
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE procrastinate_jobs SET status = 'doing', attempts = attempts WHERE id = ("
                " SELECT id FROM procrastinate_jobs WHERE status = 'todo' AND id > %s AND NOT id = ANY(%s)"
                " AND (scheduled_at IS NULL OR scheduled_at <= %s)"
                " ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED)"
                " RETURNING id, task_name, args, attempts, queue_name, lock, queueing_lock, priority",
                [after, tried, now],
            )
            row = cursor.fetchone()
        if row is None:
            return done
        job_id, task_name, args, attempts, queue, lock, queueing_lock, priority = row
        tried.append(job_id)
        args = json.loads(args) if isinstance(args, str) else args  # Django's connection leaves jsonb as text
        task = app.tasks[task_name]
        try:
            with transaction.atomic():
                task.func(**args)
        except Exception as error:
            job = Job(
                id=job_id,
                task_name=task_name,
                task_kwargs=args,
                attempts=attempts,
                queue=queue,
                lock=lock,
                queueing_lock=queueing_lock,
                priority=priority,
            )
            decision = task.retry_strategy.get_retry_decision(exception=error, job=job) if task.retry_strategy else None
            with connection.cursor() as cursor:
                if decision is None:
                    cursor.execute("SELECT procrastinate_finish_job_v1(%s, 'failed', false)", [job_id])
                else:
                    cursor.execute(
                        "SELECT procrastinate_retry_job_v2(%s, %s, NULL, NULL, NULL)", [job_id, decision.retry_at]
                    )
            done["failed"] += 1
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT procrastinate_finish_job_v1(%s, 'succeeded', false)", [job_id])
        done["succeeded"] += 1
    return done


def pending(task_name: str | None = None) -> int:
    """How many jobs (of `task_name`) wait to run, now or later."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo' AND (%s::text IS NULL OR task_name = %s)",
            [task_name, task_name],
        )
        return cursor.fetchone()[0]


def last_job_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM procrastinate_jobs")
        return cursor.fetchone()[0]
