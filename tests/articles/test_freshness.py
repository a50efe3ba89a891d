"""Freshness you can prove: with the page cache on, every change to anything a public page
shows is on every route that shows it at the very next request.

The matrix is built, not listed: the routes are every cached page of the URLconf (filled
with the scene's objects), the fields are every field the admin lets an editor change on
every editorial model, every field of a version and of its parts (changed in a draft and
signed off), and every workflow step of the services and of `publish_scheduled`. For each
change, every route is fetched through the cache and rendered without it; they must be
byte-identical (CSRF tokens aside). A field counts as shown when some route's page changed.

With SPASMINFO_TEST_PROXY=varnish every route is fetched through a real Varnish in front of
the live server (tests/proxy.py): a page Varnish serves from storage must equal a render
without any cache, so a page whose purge keys miss something it shows is caught as stale.

At the end, pages that once showed stale content, each reproduced with the page cache on: every
one showed the old content before the site-wide content generation (the matrix covers every
field; these are the reported cases, step by step).
"""

import datetime
import importlib
import os
import re
import sys
import time

import pytest
import time_machine
from django import forms
from django.contrib import admin
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.forms import modelform_factory
from django.http import QueryDict
from django.test import Client, RequestFactory, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from articles import lifecycle, services, supporting_text
from articles.models import Article, ArticleVersion, FaqEntry, Person, Reference, Series, VersionAuthor, VersionCause
from pagecache.tags import CONTENT
from participation import answers
from participation.models import Prompt, Question
from taxonomy.models import Cause, CauseGroup, Topic
from tests.proxy import PROXIED
from tests.spasminfo.test_settings import run_with_development_settings

pytestmark = pytest.mark.django_db(transaction=PROXIED)

# Values that pass the field's validators, where appending text would not.
VALID = {"pmid": "31415926", "doi": "10.5555/zq.1", "url": "https://example.org/zq"}
NOT_EDITED_HERE = {
    "photo": "an upload; the page shows its URL, changed like any other field",
    "archive_at": "schedules an archive: the timed-archive step below",
    "assigned_reviewer": "who may sign off next; not shown to readers",
    "user": "the account a person signs in with; not shown to readers",
}


FETCH = []  # the `pages` of the running test (tests/proxy.py)


@pytest.fixture(autouse=True)
def page_cache_on(settings, pages):
    settings.SPASMINFO_PAGE_CACHE = True
    settings.SPASMINFO_FRAGMENT_CACHE = True  # and the article page's fragments (reader/fragments.py)
    cache.clear()
    FETCH[:] = [pages]
    yield
    cache.clear()


# --- the routes: every cached page in the URLconf ----------------------------------------


def cached_patterns(resolver=None, namespace=""):
    """(name, pattern) of every URL pattern served through pagecache.middleware.cached_page."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from cached_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and hasattr(entry.callback, "page_cache"):
            yield f"{namespace}{entry.name}", entry


def shown_model(pattern: URLPattern):
    """The model a slug route shows: its URL name is "<model>_detail" (or "person_written", ...)."""
    name = pattern.name.split("_")[0]
    return next((m for m in (Article, Person, Cause, Topic, Question) if m._meta.model_name == name), None)


class Scene:
    """Everything a public page can show, live, with a second of each for "change the link"."""

    def __init__(self, publish, editor, writer, reviewer, topic, cause):
        self.editor, self.reviewer = editor, reviewer
        self.series = Series.objects.create(name="Cramps explained", slug="cramps-explained", description="Two parts.")
        Series.objects.create(name="Other series", slug="other-series")
        self.other_topic = Topic.objects.create(name="Digestive Health", slug="digestive-health", description="Gut.")
        other_group = CauseGroup.objects.create(name="Other causes", slug="other-causes", description="More.")
        self.other_cause = Cause.objects.create(name="Colic", slug="colic", group=other_group, description="Waves.")
        self.co_author = Person.objects.create(name="Omar Other", slug="omar-other", credentials="RN", bio="Nurse.")
        self.first = publish(slug="night-cramps", title="Night cramps")
        self.second = publish(slug="leg-cramps", title="Leg cramps")
        for part, article in enumerate([self.first, self.second], start=1):
            article.series, article.part_number = self.series, part
            article.save()
        self.sign_off(self.first, faq=True)
        self.people = [writer, reviewer.person, self.co_author]
        # a readers' prompt for the topic (participation): every article of it has a stories page
        self.prompt = Prompt.objects.create(text="What was the cause of your muscle spasms?", slug="cause")
        self.prompt.topics.add(topic, self.other_topic)  # an article moved to the other topic keeps it
        self.question = self.answered_question(topic, cause)
        self.island = self.make_island(publish)
        self.objects = {
            Article: [self.first, self.second],
            Person: self.people,
            Cause: [cause, self.other_cause],
            Topic: [topic, self.other_topic],
            Question: [self.question],
        }

    def make_island(self, publish):
        """An article that shares nothing with the others but its reviewer: its own topic, cause,
        cause group and author, no series. A change of anything else must leave its pages hits."""
        group = CauseGroup.objects.create(name="Island causes", slug="island-causes")
        island_cause = Cause.objects.create(name="Island cause", slug="island-cause", group=group)
        island_topic = Topic.objects.create(name="Island topic", slug="island-topic")
        author = Person.objects.create(name="Ivy Island", slug="ivy-island")
        article = publish(slug="island", title="Island article")
        article.topic = island_topic
        article.save()
        self.sign_off(
            article,
            lambda draft: (
                VersionAuthor.objects.filter(version=draft).update(person=author),
                VersionCause.objects.filter(content_object=draft).update(tag=island_cause),
            ),
        )
        return [article, island_cause, island_topic, author]

    def island_urls(self) -> list[str]:
        return [obj.get_absolute_url() for obj in self.island]

    def answered_question(self, topic, cause):
        """A reader's question, answered by the co-author and signed off (participation.answers)."""
        question = answers.accept_question(
            question=Question.objects.create(text="Why do my calves cramp at night?"),
            user=self.editor,
            topic=topic,
            article=self.first,
        )
        question.causes.add(cause)
        version = answers.start_answer(question=question, answerer=self.co_author, body="Often.", user=self.editor)
        answers.submit_answer(version=version, user=self.editor)
        version.refresh_from_db()
        answers.approve_answer(
            version=version,
            reviewer=self.reviewer.person,
            seen_fingerprint=version.submitted_fingerprint,
            user=self.reviewer,
        )
        return Question.objects.get(pk=question.pk)

    def sign_off(self, article, change=lambda draft: None, faq=False, go_live_at=None):
        draft = services.start_draft(article=article, user=self.editor)
        if faq:
            FaqEntry.objects.create(version=draft, question="Are cramps dangerous?", answer="Rarely.", position=1)
        draft.change_note = draft.change_note or f"Revised (version {draft.number})."  # required after the first
        change(draft)
        draft.save()
        services.submit_version(version=draft, user=self.editor)
        draft.refresh_from_db()
        services.approve_version(
            version=draft,
            reviewer=self.reviewer.person,
            seen_fingerprint=draft.compute_fingerprint(),
            user=self.reviewer,
            go_live_at=go_live_at,
        )

    def routes(self) -> dict[tuple, str]:
        """{(route name, object pk): URL}, recomputed after every change (slugs change too)."""
        urls = {}
        for name, pattern in cached_patterns():
            params = pattern.callback.page_cache["params"]
            if set(pattern.pattern.converters) == {"slug", "prompt"}:  # an article's stories under a prompt
                for article in self.objects[Article]:
                    article.refresh_from_db()
                    urls[(name, article.pk)] = reverse(name, kwargs={"slug": article.slug, "prompt": self.prompt.slug})
            elif "slug" in pattern.pattern.converters:
                model = shown_model(pattern)
                assert model in self.objects, f"{name}: add its objects to the scene"
                for obj in self.objects[model]:
                    obj.refresh_from_db()
                    urls[(name, obj.pk)] = reverse(name, kwargs={"slug": obj.slug})
            elif "q" in params:
                urls[(name, "q")] = reverse(name) + "?q=cramps"
            else:
                assert not pattern.pattern.converters, f"{name}: teach the matrix its arguments"
                urls[(name, None)] = reverse(name)
        return urls


def _without_csrf(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


class Matrix:
    """Fetch every route through the cache after each change. A page served from storage (hit)
    could be stale, and so could an article page rendered (miss) from kept fragments
    (reader/fragments.py): each is compared with a render that bypasses every cache."""

    def __init__(self, scene, settings, capture, pages):
        self.scene, self.settings, self.capture, self.fetch = scene, settings, capture, pages
        self.client = Client(HTTP_HOST=pages.host)  # the uncached render, for the same host
        self.shown: dict[str, set] = {}
        self.stale: list[tuple] = []
        self.hits = 0
        self.island_misses: dict[str, list] = {}  # changes that made a page of the island miss
        self.pages = self.through_the_cache("start")
        self.island_warm()

    def island_warm(self) -> list[str]:
        """Fetch the island's pages (Scene.island): the ones that were not hits."""
        return [url for url in self.scene.island_urls() if not self.fetch.get(url).stored]

    def uncached(self, url: str) -> bytes:
        # a context, not the settings fixture: each assignment to that nests one more layer of
        # settings, and a run with many hits (through Varnish) exceeded the recursion limit
        with override_settings(SPASMINFO_PAGE_CACHE=False, SPASMINFO_FRAGMENT_CACHE=False):
            return _without_csrf(self.client.get(url).content)

    def through_the_cache(self, label: str) -> dict:
        pages = {}
        for route, url in self.scene.routes().items():
            response = self.fetch.get(url)
            pages[route] = _without_csrf(response.content)
            self.hits += response.stored
            # a hit may be stale; so may an article page rendered from kept fragments (only those:
            # comparing every miss too would double the requests a rate-limited route counts)
            if response.stored or (route[0] == "articles:article_detail" and response.status_code == 200):
                fresh = self.uncached(url)
                if fresh != pages[route]:
                    self.stale.append((label, route))
                    pages[route] = fresh
        return pages

    def check(self, label: str, change) -> None:
        with self.capture(execute=True):
            change()
        missed = self.island_warm()
        if missed:
            self.island_misses[label] = missed
        pages = self.through_the_cache(label)
        self.shown[label] = {route for route in pages if pages[route] != self.pages.get(route)}
        self.pages = pages


# --- the changes: the admin's fields, a version's fields and parts, the workflow ----------


def new_value(field: forms.Field, name: str, value):
    """A different valid value for a form field, or None if there is none to try."""
    if isinstance(field, forms.BooleanField):
        return not value
    if isinstance(field, forms.ModelChoiceField):
        other = field.queryset.exclude(pk=value).first() if value else field.queryset.first()
        return other.pk if other else None
    if name in VALID:
        return VALID[name] if value != VALID[name] else None
    if isinstance(field, forms.URLField):
        return "https://example.org/zq"
    if isinstance(field, forms.SlugField):
        return f"{value}-zq"
    if isinstance(field, forms.TypedChoiceField) and field.choices:
        choices = [choice for choice, _ in field.choices if choice not in ("", value)]
        return choices[0] if choices else None
    if isinstance(field, forms.IntegerField):
        return int(value or 0) % 30 + 3  # in any bound of months or positions, and different
    if isinstance(field, forms.CharField):
        text = f"{value or ''} Zq"
        return text[-field.max_length :] if field.max_length else text
    return None


def form_data(form: forms.ModelForm) -> QueryDict:
    """What the form's page would post back unchanged."""
    data = QueryDict(mutable=True)
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.FileField):
            continue
        if isinstance(field.widget, forms.MultiWidget):
            for n, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{n}"] = "" if part is None else str(part)
        elif isinstance(field, forms.ModelMultipleChoiceField):
            data.setlist(name, [str(getattr(v, "pk", v)) for v in value or []])
        elif isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
    return data


def admin_request(user):
    request = RequestFactory().post("/admin/")
    request.user = user
    request._messages = CookieStorage(request)
    return request


def admin_edit(user, obj, name, reviewers=()) -> tuple | None:
    """Change one field of `obj` the way its admin page does (form, save_model); or None.

    Supporting text reaches readers only once a medical reviewer approves it:
    the first of `reviewers` who may (not the proposer, not the person described) signs it off.
    """
    model_admin = admin.site._registry[type(obj)]
    request = admin_request(user)
    form_class = model_admin.get_form(request, obj, change=True)
    unbound = form_class(instance=obj)
    if name not in unbound.fields:
        return None
    value = new_value(unbound.fields[name], name, unbound[name].value())
    if value is None:
        return None
    data = form_data(unbound)
    if isinstance(unbound.fields[name], forms.BooleanField):
        data.pop(name, None)
        if value:
            data[name] = "on"
    else:
        data[name] = str(value)

    def change():
        form = form_class(data, instance=type(obj).objects.get(pk=obj.pk))
        assert form.is_valid(), (type(obj).__name__, name, form.errors)
        saved = form.save(commit=False)
        model_admin.save_model(request, saved, form, change=True)
        form.save_m2m()
        pending = type(obj).objects.get(pk=obj.pk)
        if getattr(pending, "has_pending_text", False):
            refusals = []
            for approver in reviewers:  # e.g. not the person described, nor one whose reviewer flag was just edited
                try:
                    supporting_text.approve_text(
                        obj=pending, user=approver, seen_fingerprint=pending.text_fingerprint()
                    )
                    break
                except supporting_text.TextReviewError as refusal:
                    refusals.append(str(refusal))
            else:
                raise AssertionError(f"no reviewer could approve {type(obj).__name__}.{name}: {refusals}")

    return change


def part_edit(model, name):
    """Change one field of a version part (reference, FAQ entry) in a new draft, then sign off."""
    field = modelform_factory(model, fields=[name]).base_fields[name]

    def change_draft(draft):
        part = model.objects.filter(version=draft).first()
        value = new_value(field, name, getattr(part, name))
        form = modelform_factory(model, fields=[name])({name: value}, instance=part)
        assert form.is_valid(), (model.__name__, name, form.errors)
        form.save()

    return change_draft


def version_edit(name):
    def change_draft(draft):
        setattr(draft, name, f"{getattr(draft, name)} Zq")

    return change_draft


def test_every_field_a_public_page_shows_is_fresh_on_every_route_at_the_next_request(
    publish,
    editor,
    writer,
    reviewer,
    author_reviewer,
    topic,
    cause,
    settings,
    django_capture_on_commit_callbacks,
    django_user_model,
    pages,
):
    superuser = django_user_model.objects.create_superuser("chief", "chief@example.org", "x")
    with time_machine.travel("2026-06-10 10:00Z", tick=True) as traveller:
        scene = Scene(publish, editor, writer, reviewer, topic, cause)
        matrix = Matrix(scene, settings, django_capture_on_commit_callbacks, pages)
        first = scene.first
        skipped = {}

        # A version's own fields and its parts: changed in a draft, then signed off.
        for field in ArticleVersion._meta.get_fields():
            if field.name == "social_image":  # the key of a placed picture: tests/reader/test_views.py
                continue
            if getattr(field, "editable", False) and field.concrete and isinstance(field, _text_fields()):
                matrix.check(
                    f"ArticleVersion.{field.name}", lambda n=field.name: scene.sign_off(first, version_edit(n))
                )
        for model in (Reference, FaqEntry):
            for field in model._meta.concrete_fields:
                if field.editable and not field.is_relation and field.name not in {"id", "number"}:
                    matrix.check(
                        f"{model.__name__}.{field.name}",
                        lambda m=model, n=field.name: scene.sign_off(first, part_edit(m, n)),
                    )
        matrix.check(
            "VersionAuthor.person",
            lambda: scene.sign_off(first, lambda d: VersionAuthor.objects.create(version=d, person=scene.co_author)),
        )
        matrix.check(
            "VersionCause.tag",
            lambda: scene.sign_off(
                first, lambda d: VersionCause.objects.filter(content_object=d).update(tag=scene.other_cause)
            ),
        )

        # The workflow: re-review, archive, restore, and the two steps publish_scheduled takes from cron.
        def re_review():
            traveller.shift(datetime.timedelta(minutes=1))
            services.re_review_live_version(
                article=first,
                reviewer=reviewer.person,
                seen_fingerprint=first.live_version.compute_fingerprint(),
                user=reviewer,
            )

        def scheduled_go_live():
            scene.sign_off(first, version_edit("title"), go_live_at=_soon())
            traveller.shift(datetime.timedelta(minutes=5))
            call_command("publish_scheduled", verbosity=0)

        def timed_archive():
            lifecycle.schedule_archive(article=first, archive_at=_soon(), user=editor)
            traveller.shift(datetime.timedelta(minutes=5))
            call_command("publish_scheduled", verbosity=0)

        for label, step in [
            ("services.re_review_live_version", re_review),
            ("lifecycle.archive_article", lambda: lifecycle.archive_article(article=first, user=editor)),
            ("lifecycle.restore_article", lambda: lifecycle.restore_article(article=first, user=editor)),
            ("publish_scheduled: go live", scheduled_go_live),
            ("publish_scheduled: archive", timed_archive),
            ("lifecycle.restore_article (again)", lambda: lifecycle.restore_article(article=first, user=editor)),
        ]:
            matrix.check(label, step)

        # Every field the admin lets an editor change, on every editorial model it shows.
        for model, objects in [
            (Series, [scene.series]),
            (CauseGroup, [cause.group]),
            (Cause, [cause]),
            (Topic, [topic]),
            (Person, scene.people),
            (Article, [first]),
            (Question, [scene.question]),  # an answered question's topic, causes and article
        ]:
            for obj in objects:
                for field in model._meta.concrete_fields:
                    if not field.editable or field.primary_key:
                        continue  # set only by the workflow, checked through it above
                    if field.name in NOT_EDITED_HERE:
                        skipped[f"{model.__name__}.{field.name}"] = NOT_EDITED_HERE[field.name]
                        continue
                    obj.refresh_from_db()
                    change = admin_edit(superuser, obj, field.name, reviewers=(reviewer, author_reviewer))
                    if change is None:
                        skipped[f"{model.__name__}.{field.name}"] = "not in its admin form"
                        continue
                    matrix.check(f"{model.__name__}.{field.name} (#{obj.pk})", change)

        # A reader's vote (narrow tag): the other pages stay cached, and are compared above.
        matrix.check(
            "HelpfulVote (a reader's vote)",
            lambda: Client().post(reverse("articles:helpful_vote", args=[first.slug]), {"helpful": "yes"}),
        )
        hits_before = matrix.hits
        matrix.check("nothing", lambda: None)
        assert matrix.hits - hits_before == len(scene.routes())  # the cache was on: unchanged pages are hits

    shown = {label for label, routes in matrix.shown.items() if routes}
    pairs = sum(len(routes) for routes in matrix.shown.values())
    print(
        f"\nfreshness matrix{' through Varnish' if PROXIED else ''}: {len(shown)} fields x "
        f"{len(scene.routes())} routes, {len(matrix.stale)} stale "
        f"({len(matrix.shown)} changes tried, {pairs} field-route pairs shown, {matrix.hits} warm hits, "
        f"{len(matrix.island_misses)} that reached the unrelated island's pages; "
        f"not shown anywhere: {sorted(set(matrix.shown) - shown - {'nothing'})}; not edited here: {skipped})"
    )
    assert matrix.stale == []
    # Exact: no change of anything the island does not show made one of its pages miss (its reviewer
    # is everyone's: a change of the reviewer's own fields may; an answered question's changes
    # are every page's, participation/caching.py).
    reviewer_label = f"(#{reviewer.person.pk})"
    assert {
        label: urls
        for label, urls in matrix.island_misses.items()
        if not label.endswith(reviewer_label) and not label.startswith("Question.")
    } == {}
    for must in ["ArticleVersion.title", "Series.name", "Topic.name", "Person.name", "Cause.name"]:
        assert any(label.startswith(must) for label in shown), must


def _text_fields():
    from django.db import models

    return (models.CharField, models.TextField)


def _soon():
    from django.utils import timezone

    return timezone.now() + datetime.timedelta(minutes=1)


def test_the_matrix_covers_every_cached_route_of_the_urlconf():
    names = {name for name, _ in cached_patterns()}
    assert {"articles:home", "articles:article_detail", "articles:feed", "sitemap", "articles:search"} <= names
    for name, pattern in cached_patterns():
        if set(pattern.pattern.converters) == {"slug", "prompt"}:
            continue  # an article's stories under a prompt: the scene's prompt (Scene.routes)
        if "slug" in pattern.pattern.converters:
            assert shown_model(pattern) in {Article, Person, Cause, Topic, Question}, name
    assert CONTENT in next(iter(cached_patterns()))[1].callback.page_cache["tags"]


# --- the reported cases, step by step ---------------------------------------------------------------


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def page(url: str) -> str:
    response = FETCH[0].get(url)
    return response.content.decode() if response.status_code == 200 else f"status {response.status_code}"


def cached(*urls: str) -> None:
    for url in urls:
        FETCH[0].get(url)
        assert FETCH[0].get(url).stored, url


def test_renaming_a_series_shows_on_the_cards_of_the_home_and_topic_pages(publish, after_commit, topic):
    article = publish()
    series = Series.objects.create(name="Cramps explained", slug="cramps-explained")
    article.series, article.part_number = series, 1
    after_commit(article.save)
    home, topic_page = reverse("articles:home"), topic.get_absolute_url()
    cached(home, topic_page)
    assert "Cramps explained" in page(home) and "Cramps explained" in page(topic_page)

    series.name = "Cramps, part by part"
    after_commit(series.save)

    assert "Cramps, part by part" in page(home) and "Cramps explained" not in page(home)
    assert "Cramps, part by part" in page(topic_page) and "Cramps explained" not in page(topic_page)


def test_renaming_a_person_or_a_topic_shows_in_the_feed(publish, after_commit, reviewer, topic):
    article = publish()
    feed = reverse("articles:feed")
    person = article.live_version.author_links.first().person  # the feed's authors are the writers
    cached(feed)
    assert person.name in page(feed) and topic.name in page(feed)

    person.name = "Ana Rivera-Lopez"
    after_commit(person.save)
    assert "Ana Rivera-Lopez" in page(feed)

    topic.name = "Muscles and joints"
    after_commit(topic.save)
    assert "Muscles and joints" in page(feed)


def test_with_overdue_policy_hide_a_shorter_topic_interval_takes_the_article_off_every_page(
    settings, draft_factory, submit, approve, after_commit, topic, cause, reviewer
):
    settings.SPASMINFO_OVERDUE_POLICY = "hide"
    version = draft_factory()
    submit(version)
    approve(version, at=timezone.now() - datetime.timedelta(days=150))  # due in about seven months
    article = Article.objects.get()
    lists = [
        reverse("articles:article_index"),
        reverse("articles:feed"),
        cause.get_absolute_url(),
        reviewer.person.get_absolute_url(),
    ]
    cached(article.get_absolute_url(), *lists)
    assert all(article.get_absolute_url() in page(url) for url in lists)

    # A medical reviewer shortens the topic's interval ("Change review interval"): the article is now overdue.
    after_commit(lifecycle.set_review_interval, target=topic, months=3, user=reviewer)

    assert page(article.get_absolute_url()) == "status 404"
    for url in lists:
        assert article.get_absolute_url() not in page(url), url


# --- cron and runserver are two processes: the development cache must be shared ---------------


def development_caches() -> dict:
    """CACHES as `make run` (spasminfo.settings.dev, no CACHE_URL) configures them."""
    saved = dict(os.environ)
    os.environ.pop("CACHE_URL", None)
    try:
        sys.modules.pop("spasminfo.settings.dev", None)
        return importlib.import_module("spasminfo.settings.dev").CACHES
    finally:
        sys.modules.pop("spasminfo.settings.dev", None)
        os.environ.clear()
        os.environ.update(saved)


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_publish_scheduled_from_cron_reaches_the_readers_of_runserver_with_the_development_cache(
    editorial_groups, settings, draft_factory, submit, approve, publish, editor, reviewer
):
    """The reported case end to end: `publish_scheduled` runs in its own process (as from
    cron) while this process serves readers with the development cache."""
    settings.CACHES = development_caches()
    cache.clear()
    purge_to = {"CACHE_PURGE_URL": ",".join(settings.SPASMINFO_CACHE_PURGE_URLS)} if PROXIED else {}
    article = publish()
    url = article.get_absolute_url()
    draft = services.start_draft(article=article, user=editor)
    draft.title = "Night cramps, second edition"
    draft.save()
    submit(draft)
    draft.refresh_from_db()
    go_live = timezone.now() + datetime.timedelta(seconds=1)
    services.approve_version(
        version=draft,
        reviewer=reviewer.person,
        seen_fingerprint=draft.compute_fingerprint(),
        user=reviewer,
        go_live_at=go_live,
    )
    cached(url, reverse("articles:home"))
    assert "second edition" not in page(url)

    time.sleep(max(0.0, (go_live - timezone.now()).total_seconds()) + 0.1)
    out = run_with_development_settings("manage.py", "publish_scheduled", DATABASE_URL=database_url(), **purge_to)
    assert "published night-cramps" in out
    assert "second edition" in page(url) and "second edition" in page(reverse("articles:home"))

    # Timed archiving, the same way.
    lifecycle.schedule_archive(article=article, archive_at=timezone.now() + datetime.timedelta(seconds=1), user=editor)
    cached(url, reverse("articles:home"))
    time.sleep(1.1)
    out = run_with_development_settings("manage.py", "publish_scheduled", DATABASE_URL=database_url(), **purge_to)
    assert "archived night-cramps" in out
    assert "archived on" in page(url)
    assert url not in page(reverse("articles:home"))


def test_a_draft_save_submission_send_back_or_proposal_makes_no_page_miss(
    publish, editor, writer, reviewer, topic, cause, django_capture_on_commit_callbacks, pages
):
    """What readers cannot see invalidates nothing: every route that was a hit stays one."""
    with time_machine.travel("2026-06-10 10:00Z", tick=True):
        scene = Scene(publish, editor, writer, reviewer, topic, cause)
        urls = [*scene.routes().values(), *scene.island_urls()]
        for url in urls:
            pages.get(url)
        kept = [url for url in urls if pages.get(url).stored]
        assert len(kept) >= 12
        first = scene.first
        draft = {}

        def save_draft():
            draft["version"] = services.start_draft(article=first, user=editor)
            draft["version"].title = "Night cramps, draft"
            draft["version"].change_note = "A draft."
            draft["version"].save()
            FaqEntry.objects.create(version=draft["version"], question="Draft?", answer="Yes.", position=1)
            VersionAuthor.objects.create(version=draft["version"], person=scene.co_author)

        def propose():
            supporting_text.propose_text(obj=cause, values={"description": "Proposed text."}, user=editor)
            cause.save()

        steps = [
            ("a draft saved", save_draft),
            ("submitted", lambda: services.submit_version(version=draft["version"], user=editor)),
            (
                "sent back",
                lambda: services.send_back_version(
                    version=ArticleVersion.objects.get(pk=draft["version"].pk),
                    reviewer=reviewer.person,
                    comment="Cite a source.",
                    user=reviewer,
                ),
            ),
            ("a supporting text proposed", propose),
            ("a reviewer assigned", lambda: lifecycle.assign_reviewer(article=first, reviewer=None, user=editor)),
            (
                "an archive scheduled",
                lambda: lifecycle.schedule_archive(
                    article=first, archive_at=timezone.now() + datetime.timedelta(days=30), user=editor
                ),
            ),
        ]
        for label, step in steps:
            with django_capture_on_commit_callbacks(execute=True):
                step()
            assert [url for url in kept if not pages.get(url).stored] == [], label
