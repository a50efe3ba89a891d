"""The tags' tokens live in the shared cache (pagecache/tags.py), so a change made through one server
reaches the pages of every other.

Scale out: two server processes on different ports, sharing one PostgreSQL and one Redis,
serve the same site, and a sign-off made through one (the admin's review form, over HTTP,
as a signed-in reviewer) shows on the other on the very next request, with page caching on.

Runs when the suite runs on PostgreSQL (DATABASE_URL): it makes its own database,
`<name>_scaleout`, on that server, and uses Redis DB 13; both are emptied afterwards.
"""

import html
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.http_client import SignedInClient
from tests.production import ROOT, free_port, manage, production_env, throwaway_database_url

REDIS_URL = "redis://127.0.0.1:6379/13"

SETUP = """
from django.contrib.auth.models import Group, User
from articles import services
from articles.models import Article, Person, Reference, VersionAuthor, VersionCause
from taxonomy.models import Cause, CauseGroup, Topic

editor = User.objects.create_user("editor", password="pw", is_staff=True)
editor.groups.add(Group.objects.get(name="Editors"))
reviewer = User.objects.create_user("reviewer", password="pw", is_staff=True)
reviewer.groups.add(Group.objects.get(name="Medical reviewers"))
Person.objects.create(name="Ana Rivera", slug="ana-rivera", credentials="MD", is_medical_reviewer=True,
                      user=reviewer, signing_confirmed_user=reviewer)
writer = Person.objects.create(name="Cara Lind", slug="cara-lind")
topic = Topic.objects.create(name="Bones", slug="bones")
cause = Cause.objects.create(name="Dehydration", slug="dehydration",
                             group=CauseGroup.objects.create(name="Common", slug="common"))
version = services.create_article(article=Article(slug="shared-cramps", topic=topic), title="Shared cramps",
                                  summary="About shared cramps.", user=editor)
version.body = "Cramps are common [@1]."
version.save()
VersionAuthor.objects.create(version=version, person=writer)
VersionCause.objects.create(content_object=version, tag=cause)
Reference.objects.create(version=version, number=1, title="Muscle cramps", source="Muscle Nerve", year=2005)
services.submit_version(version=version, user=editor)
print(version.pk)
"""


def reader_get(base: str, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def shared_services(tmp_path):
    """A fresh database on the suite's PostgreSQL server and an empty Redis DB 13."""
    redis = pytest.importorskip("redis")
    cache = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        cache.flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    yield throwaway_database_url()
    cache.flushdb()


def test_an_approval_through_one_server_is_visible_through_the_other(shared_services, tmp_path):
    started = time.monotonic()
    env = production_env(
        tmp_path,
        DATABASE_URL=shared_services,
        CACHE_URL=REDIS_URL,
        PAGE_CACHE="1",
        SPASMINFO_PAGE_CACHE="1",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        RATELIMIT_ENABLE="0",
        WEB_CONCURRENCY="1",
        ACCESS_LOG="",
    )
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    version_id = int(manage(env, "shell", "-v", "0", "-c", SETUP).stdout.strip().splitlines()[-1])

    servers, bases = [], []
    try:
        for _ in range(2):
            port = free_port(8200, 8299)
            log = open(tmp_path / f"gunicorn-{port}.log", "w")  # noqa: SIM115 (closed with the process)
            command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "spasminfo.wsgi"]
            servers.append(subprocess.Popen(command, cwd=ROOT, env={**env, "PORT": str(port)}, stdout=log, stderr=log))
            bases.append(f"http://127.0.0.1:{port}")
            deadline = time.monotonic() + 120  # a hang, not a speed target: CI machines may be loaded
            while True:
                try:
                    if reader_get(bases[-1], "/")[0] == 200:
                        break
                except OSError:
                    pass
                assert servers[-1].poll() is None and time.monotonic() < deadline, "a server did not start"
                time.sleep(0.2)
        one, other = bases

        # Both serve the same site; neither shows the article yet (and may now have cached that).
        for base in bases:
            assert reader_get(base, "/articles/shared-cramps/")[0] == 404
            status, home = reader_get(base, "/")
            assert status == 200 and "Shared cramps" not in home
            assert reader_get(base, "/causes/dehydration/")[0] == 404  # public once a live article names it

        reviewer = SignedInClient(one, "reviewer")
        status, page = reviewer.get(f"/admin/articles/articleversion/{version_id}/review/")
        assert status == 200
        fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]{64})"', page).group(1)
        status, result = reviewer.post(
            f"/admin/articles/articleversion/{version_id}/review/",
            {"decision": "approve", "fingerprint": fingerprint, "comment": ""},
            page,
        )
        assert status == 200 and "is now live" in html.unescape(result), result[:2000]

        # The very next request to the other process sees it: page, home list, cause page.
        status, article = reader_get(other, "/articles/shared-cramps/")
        assert status == 200 and "Shared cramps" in article
        assert "Shared cramps" in reader_get(other, "/")[1]
        assert "Shared cramps" in reader_get(other, "/causes/dehydration/")[1]
        assert reader_get(one, "/articles/shared-cramps/")[0] == 200
        print(
            f"\nsigned off through {one}, visible through {other} on the next request "
            f"(PAGE_CACHE=1, shared PostgreSQL and Redis); {time.monotonic() - started:.1f} s"
        )
    finally:
        for process in servers:
            process.send_signal(signal.SIGTERM)
        for process in servers:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
