"""The cast and the props shared by every test.

Users: editor, second_editor, reviewer (signs as Dr Rivera), author_reviewer
(a reviewer who also writes), and an anonymous reader. `publish` takes an
article through the real workflow so tests start from honest states.
"""

import datetime
import importlib
from contextlib import ExitStack, contextmanager

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS
from django.test import Client, TestCase, TransactionTestCase
from django.utils import timezone

from articles import services
from articles.immutability import guards_suspended
from articles.models import Article, ArticleVersion, Person, Reference, VersionAuthor, VersionCause
from references.models import Source
from taxonomy.models import Cause, CauseGroup, Topic

_EMBEDDED_STARTED_BY_THIS_RUN = []


def pytest_configure(config):
    """Without DATABASE_URL the suite runs on the embedded PostgreSQL of the checkout
    (devtools/embedded_postgres.py): started here if it is not running, and stopped at the
    end if this run started it. It starts in about a second."""
    import os

    from devtools.embedded_postgres import Cluster, StartError

    if os.environ.get("DATABASE_URL"):
        return
    try:
        cluster = Cluster.from_environment()
        if cluster.start():
            _EMBEDDED_STARTED_BY_THIS_RUN.append(cluster)
    except StartError as exc:
        raise pytest.UsageError(f"embedded PostgreSQL: {exc}") from exc


def pytest_unconfigure(config):
    for cluster in _EMBEDDED_STARTED_BY_THIS_RUN:
        cluster.stop()


@pytest.fixture(scope="session", autouse=True)
def _drop_throwaway_databases(django_db_blocker):
    """Databases made for production-like subprocesses (tests/production.py) go at the end."""
    yield
    from tests.production import drop_throwaway_databases

    drop_throwaway_databases()


@pytest.fixture(scope="session", autouse=True)
def _flush_with_the_guards_suspended():
    """Transactional and live-server tests empty the database after each test (Django's
    `flush`): TRUNCATE. The immutability guards refuse it
    for signed-off content and history, so the flush, and only the flush, runs inside
    `guards_suspended()`, which puts the guards back before its transaction commits."""
    original = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        with ExitStack() as stack:
            for alias in self._databases_names(include_mirrors=False):
                stack.enter_context(guards_suspended(alias))
            original(self)

    TransactionTestCase._fixture_teardown = _fixture_teardown
    yield
    TransactionTestCase._fixture_teardown = original


@pytest.fixture(scope="session", autouse=True)
def _mail_through_the_sites_backend(django_test_environment):
    """pytest-django sends mail straight to the in-memory outbox; put the site's own backend
    (operations.mail, which makes headers one line) back in front of it, as in production."""
    from django.conf import settings

    settings.EMAIL_BACKEND = "operations.mail.EmailBackend"
    yield


@pytest.fixture
def django_capture_on_commit_callbacks():
    """pytest-django's fixture, and once the callbacks ran (`execute=True`: the step committed)
    the worker's turn: the due jobs the step queued run (operations.queue.run_due_jobs), as a
    worker would run them just after the commit. Jobs queued before the block belong to steps
    whose commit the test never played (their on-commit callbacks never ran): left alone."""
    from operations.queue import last_job_id, run_due_jobs

    @contextmanager
    def capture(*, using=DEFAULT_DB_ALIAS, execute=False):
        before = last_job_id()
        with TestCase.captureOnCommitCallbacks(using=using, execute=execute) as callbacks:
            yield callbacks
        if execute:
            run_due_jobs(after=before)

    return capture


@pytest.fixture(autouse=True)
def fresh_local_cache():
    """Each test starts with no rate-limit counts and no cached pages left by another test
    (every method counts towards the limits, so a walk over many URLs spends the budget).
    Only the per-process cache: a shared one named by CACHE_URL is never flushed here."""
    from pagecache import withdrawn

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()
    withdrawn.recent.assume_none()  # pagecache/withdrawn.py: read when a test forgets them
    yield


@pytest.fixture
def own_redis(settings):
    """A Redis of the test's own (tests/redis_server.py), the site's cache for the test: pages,
    fragments and rate limits. Its methods pause, resume and crash it; this process's memory of
    an unreachable cache and of recent withdrawals starts empty."""
    from operations import cache as degrading_cache
    from pagecache import middleware, withdrawn
    from tests.redis_server import RedisServer

    server = RedisServer()
    ratelimits = _redis_cache(server.url)
    ratelimits["OPTIONS"]["LOCAL_FALLBACK"] = True
    settings.CACHES = {"default": _redis_cache(server.url), "ratelimits": ratelimits}
    degrading_cache._down_until.clear()
    middleware.local_pages.clear()
    yield server
    server.stop()
    degrading_cache._down_until.clear()
    withdrawn.recent.forget()
    middleware.local_pages.clear()


def _redis_cache(url: str) -> dict:
    from spasminfo.settings.base import cache_from_url

    return cache_from_url(url)


def make_user(username: str, group: str | None) -> User:
    user = User.objects.create_user(username=username, password="pw", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editorial_groups(transactional_db):
    """Live-server tests run in flushed transactions, which drop rows made by data
    migrations; recreate the two groups from the migration's own definitions."""
    groups = importlib.import_module("articles.migrations.0002_editorial_groups").GROUPS
    library = importlib.import_module("articles.migrations.0015_references_into_library").LIBRARY_GROUPS
    previews = importlib.import_module("previews.migrations.0002_editorial_permissions").PREVIEW_GROUPS
    pictures = importlib.import_module("images.migrations.0002_editorial_permissions").IMAGE_GROUPS
    for name, codenames in groups.items():
        extra = [*library.get(name, []), *previews.get(name, []), *pictures.get(name, [])]
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(codename__in=[*codenames, *extra]))
    # ... and the readers' grants (participation): the Moderators group, prompts, reports, questions, answers
    moderators = importlib.import_module("participation.migrations.0002_moderators_group")
    participation = [
        {"Moderators": moderators.MODERATORS, "Editors": moderators.EDITORS_EXTRA},
        importlib.import_module("participation.migrations.0003_reports").REPORT_PERMISSIONS,
        importlib.import_module("participation.migrations.0004_questions").QUESTION_PERMISSIONS,
    ]
    for grants in participation:
        for name, codenames in grants.items():
            group, _ = Group.objects.get_or_create(name=name)
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="participation", codename__in=codenames)
            )


@pytest.fixture(scope="session")
def varnishd(request):
    """One varnishd for the session, in front of the live test server (tests/proxy.py)."""
    from tests.proxy import Varnish, require_varnishd

    require_varnishd()
    live_server = request.getfixturevalue("live_server")
    proxy = Varnish(live_server.url.rsplit(":", 1)[1])
    yield proxy
    proxy.stop()


@pytest.fixture
def varnish(varnishd, settings):
    """The session's varnishd, empty, purged by the site during the test: its port."""
    varnishd.empty()
    settings.SPASMINFO_CACHE_PURGE_URLS = [varnishd.url]
    yield varnishd.port
    varnishd.empty()


@pytest.fixture
def pages(request):
    """How the freshness and no-leak tests fetch public pages: directly (the test client), or
    through a real Varnish in front of the live server when SPASMINFO_TEST_PROXY=varnish
    (tests/proxy.py); such tests run in committed transactions then (`proxied_db`)."""
    from tests.proxy import PROXIED, DirectPages, ProxiedPages

    if PROXIED:
        request.getfixturevalue("editorial_groups")
        return ProxiedPages(request.getfixturevalue("varnish"))
    return DirectPages()


@pytest.fixture
def editor(db):
    return make_user("editor", "Editors")


@pytest.fixture
def second_editor(db):
    return make_user("second_editor", "Editors")


@pytest.fixture
def reviewer(db):
    user = make_user("reviewer", "Medical reviewers")
    Person.objects.create(
        name="Ana Rivera",
        slug="ana-rivera",
        credentials="MD, FACEP",
        is_medical_reviewer=True,
        user=user,
        signing_confirmed_user=user,
    )
    return User.objects.get(pk=user.pk)


@pytest.fixture
def author_reviewer(db):
    """A medical reviewer who also writes articles."""
    user = make_user("author_reviewer", "Medical reviewers")
    Person.objects.create(
        name="Ben Okoro",
        slug="ben-okoro",
        credentials="MD, FAAN",
        is_medical_reviewer=True,
        user=user,
        signing_confirmed_user=user,
    )
    return User.objects.get(pk=user.pk)


@pytest.fixture
def reader():
    return Client()


@pytest.fixture
def writer(db):
    return Person.objects.create(name="Cara Lind", slug="cara-lind", credentials="MPH")


@pytest.fixture
def topic(db):
    return Topic.objects.create(name="Bones, Joints and Muscles", slug="bones-joints-muscles")


@pytest.fixture
def cause(db):
    group = CauseGroup.objects.create(name="Common causes", slug="common-causes")
    return Cause.objects.create(name="Dehydration", slug="dehydration", group=group)


@pytest.fixture
def draft_factory(editor, writer, topic, cause):
    """A complete draft (title, summary, body, author, cause, one reference), ready to submit."""

    def make(slug="night-cramps", title="Night cramps", body="Cramps at night are common [@1].", author=writer):
        version = services.create_article(
            article=Article(slug=slug, topic=topic), title=title, summary=f"About {title.lower()}.", user=editor
        )
        version.body = body
        version.save()
        VersionAuthor.objects.create(version=version, person=author)
        VersionCause.objects.create(content_object=version, tag=cause)
        Reference.objects.create(
            version=version,
            number=1,
            title="Muscle cramps",
            source="Muscle & Nerve",
            year=2005,
            doi="10.1002/mus.20341",
        )
        return version

    return make


@pytest.fixture
def library_source(db):
    """A source in the shared library, cited as [@miller2005]."""
    return Source.objects.create(
        key="miller2005",
        authors="Miller TM, Layzer RB",
        title="Muscle cramps",
        source="Muscle & Nerve",
        year=2005,
        doi="10.1002/mus.20341",
    )


@pytest.fixture
def second_source(db):
    """A second library source, cited as [@maquirriain2007]."""
    return Source.objects.create(
        key="maquirriain2007",
        kind="journal",
        authors="Maquirriain J, Merello M",
        title="The athlete with muscular cramps",
        source="J Am Acad Orthop Surg",
        year=2007,
        pmid="17602031",
    )


@pytest.fixture
def submit(editor):
    """Submit for review; a revision without its "what changed" note gets a stock one (the rule that
    asks for it has its own tests, tests/articles/test_review_history.py)."""

    def do(version: ArticleVersion) -> ArticleVersion:
        if not version.change_note and version.has_signed_off_predecessor():
            version.change_note = f"Revised (version {version.number})."
            version.save(update_fields=["change_note"])
        return services.submit_version(version=version, user=editor)

    return do


@pytest.fixture
def approve(reviewer):
    def do(version: ArticleVersion, user=None, at: datetime.datetime | None = None):
        user = user or reviewer
        version.refresh_from_db()
        return services.approve_version(
            version=version, reviewer=user.person, seen_fingerprint=version.compute_fingerprint(), user=user, at=at
        )

    return do


@pytest.fixture
def publish(draft_factory, submit, approve):
    """An article taken from draft to live through the real workflow."""

    def do(**kwargs) -> Article:
        version = draft_factory(**kwargs)
        submit(version)
        approve(version)
        return Article.objects.get(pk=version.article_id)

    return do


@pytest.fixture
def now():
    return timezone.now()
