"""A read replica: anonymous public reads go to `DATABASE_REPLICA_URL`, everything else to the primary.

The rule is one function, `reads_from_replica(request)`: a GET or HEAD outside the admin
from someone with no session (so nobody signed in), no flash messages and no helpful-vote
cookie (so a reader sees their own vote). `ReplicaMiddleware` decides it once per request,
before anything reads the database, and keeps the answer in a context variable that
`ReplicaRouter` reads; requests that write, the admin, signed-in staff, the workflow
services, the cron commands and the page-cache invalidation all use the primary, so an
editor always sees their own change.

A replica lags (streaming replication, usually milliseconds). A page rendered from it just
after a change could show the old version and be kept by the page cache or a proxy under
the new tokens, until the next change. So a change is announced to caches only once the
replica has replayed it: `wait_for_replicas()` (called by `pagecache.tags` before it
replaces tags' tokens and purges the proxies) reads the primary's WAL position after the
commit and waits until the replica's `pg_last_wal_replay_lsn()` has reached it, for at
most `REPLICA_MAX_WAIT` seconds (then it logs an error and announces the change anyway).
A render that started before that moment read its tags' tokens before they were replaced,
so what it stores is already dead; a render that starts after it reads the new version.
"""

import contextvars
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

logger = logging.getLogger("spasminfo.replica")

REPLICA = "replica"  # the DATABASES alias (spasminfo/settings/base.py, from DATABASE_REPLICA_URL)

_reader_request: contextvars.ContextVar[bool] = contextvars.ContextVar("reader_request", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def reads_from_replica(request: HttpRequest) -> bool:
    """Whether this request's reads may come from the replica (the one rule)."""
    if not replica_configured() or request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith(reverse("admin:index")):
        return False
    personal = (settings.SESSION_COOKIE_NAME, "messages", settings.SPASMINFO_VOTER_COOKIE)
    return not any(name in request.COOKIES for name in personal)


class ReplicaMiddleware:
    """Marks an anonymous public read for the router, for the length of the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        marker = _reader_request.set(reads_from_replica(request))
        try:
            return self.get_response(request)
        finally:
            _reader_request.reset(marker)


class ReplicaRouter:
    """Reads of a request marked by `ReplicaMiddleware` go to the replica; all else to the primary."""

    def db_for_read(self, model, **hints) -> str | None:
        return REPLICA if _reader_request.get() and replica_configured() else None

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica is a copy of the primary: same rows, same keys

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db != REPLICA  # it replays the primary's migrations


def wait_for_replicas(timeout: float | None = None) -> bool:
    """Wait until the replica has replayed everything committed on the primary so far.

    True when it has (or there is no replica); False after `timeout` seconds (default
    `SPASMINFO_REPLICA_MAX_WAIT`), logged as an error. Call it after the commit, before
    telling caches about the change."""
    if not replica_configured():
        return True
    timeout = settings.SPASMINFO_REPLICA_MAX_WAIT if timeout is None else timeout
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        # The insert position, not the write position: with synchronous_commit off, a commit's
        # record may not be written yet when the call returns (it is, within wal_writer_delay).
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    pause = 0.002
    while True:
        with connections[REPLICA].cursor() as cursor:
            # NULL on a server that is not in recovery: then it is the primary itself.
            cursor.execute("SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, true)", [target])
            if cursor.fetchone()[0]:
                return True
        if time.monotonic() >= deadline:
            logger.error("The replica has not replayed %s after %.1f s; announcing the change anyway", target, timeout)
            return False
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
