"""A real Varnish (deploy/varnish/default.vcl, with xkey) in front of a real test server:
it serves hits; each workflow step purges exactly the pages that show or list the article it
changed (its page, the lists, its causes', topic's and people's pages, articles relating to
it), which show the change at the next request, while an unrelated article's and cause's
pages stay hits; signed-in readers and POSTs pass through."""

import datetime
import re
import time

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles import lifecycle, services
from articles.models import Article, Person, VersionCause
from operations.queue import pending, run_due_jobs
from taxonomy.models import Cause, CauseGroup, Topic
from tests.proxy import Varnish, hit, require_varnishd, through


@pytest.fixture
def unrelated(draft_factory, submit, approve):
    """An article sharing nothing with the others: its own topic, cause and author."""
    topic = Topic.objects.create(name="Digestive Health", slug="digestive-health")
    group = CauseGroup.objects.create(name="Other causes", slug="other-causes")
    cause = Cause.objects.create(name="Colic", slug="colic", group=group)
    author = Person.objects.create(name="Omar Other", slug="omar-other", credentials="RN")
    version = draft_factory(slug="stomach-cramps", title="Stomach cramps", author=author)
    Article.objects.filter(pk=version.article_id).update(topic=topic)
    VersionCause.objects.filter(content_object=version).update(tag=cause)
    approve(submit(version))
    return Article.objects.get(pk=version.article_id), cause, topic, author


def _vote(port: int, article: Article) -> None:
    """A helpful vote POSTed through Varnish (passed) with the token the page's script fetches."""
    token_response, token_body = through(port, reverse("articles:csrf_token"))
    assert token_response.getheader("X-Cache") == "MISS"
    csrf_cookie = re.search(r"csrftoken=([^;]+)", token_response.getheader("Set-Cookie")).group(1)
    token = re.search(r'"token": "([^"]+)"', token_body).group(1)
    vote, _ = through(
        port,
        reverse("articles:helpful_vote", args=[article.slug]),
        method="POST",
        body=f"helpful=yes&csrfmiddlewaretoken={token}",
        headers={
            "Cookie": f"csrftoken={csrf_cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"http://127.0.0.1:{port}",
            "Referer": f"http://127.0.0.1:{port}{article.get_absolute_url()}",
        },
    )
    assert vote.status == 303


@pytest.mark.django_db(transaction=True)
def test_each_workflow_step_purges_exactly_the_pages_showing_the_article_and_they_show_the_change(
    editorial_groups, varnish, settings, publish, editor, reviewer, writer, cause, topic, unrelated, client
):
    settings.SPASMINFO_PAGE_CACHE = True
    cache.clear()
    started = time.monotonic()
    article = publish()
    sibling = publish(slug="leg-cramps", title="Leg cramps")  # same cause and topic: relates to it
    other, other_cause, other_topic, other_author = unrelated
    affected = {
        "article": article.get_absolute_url(),
        "related article": sibling.get_absolute_url(),
        "home": reverse("articles:home"),
        "A to Z": reverse("articles:article_index"),
        "cause": cause.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "author": writer.get_absolute_url(),
        "reviewer": reviewer.person.get_absolute_url(),
        "causes": reverse("taxonomy:cause_index"),
        "topics": reverse("taxonomy:topic_index"),
        "feed": reverse("articles:feed"),
        "sitemap": reverse("sitemap"),
        "search": reverse("articles:search") + "?q=cramps",
    }
    untouched = {
        "unrelated article": other.get_absolute_url(),
        "unrelated cause": other_cause.get_absolute_url(),
        "unrelated topic": other_topic.get_absolute_url(),
        "unrelated author": other_author.get_absolute_url(),
    }
    pages = {**affected, **untouched}
    for name, path in pages.items():
        first, _ = through(varnish, path)
        assert first.status == 200 and first.getheader("X-Cache") == "MISS", name
        again, _ = through(varnish, path + ("&" if "?" in path else "?") + "utm_source=mail")  # tracking tags share it
        assert hit(again) and again.getheader("Age") is not None, name
        assert again.getheader("Surrogate-Key") is None and again.getheader("xkey") is None  # for Varnish only

    figures = []

    def after(step: str, expect_purged: set[str]) -> dict[str, str]:
        """Fetch every page through Varnish: exactly `expect_purged` miss; the rest are hits."""
        fetched = {name: through(varnish, path) for name, path in pages.items()}
        purged = {name for name, (response, _) in fetched.items() if not hit(response)}
        assert purged == expect_purged, step
        figures.append(f"{step}: {len(purged)} pages purged, {len(pages) - len(purged)} still hits")
        return {name: text for name, (_, text) in fetched.items()}

    # A sign-off: the new title is on every page that shows or lists the article.
    draft = services.start_draft(article=article, user=editor)
    draft.title = "Night cramps, revised"
    draft.change_note = "Clearer title."
    draft.save()
    services.submit_version(version=draft, user=editor)
    draft.refresh_from_db()
    services.approve_version(
        version=draft, reviewer=reviewer.person, seen_fingerprint=draft.compute_fingerprint(), user=reviewer
    )
    shown = after("sign-off", set(affected))
    for name in ("article", "related article", "home", "A to Z", "cause", "topic", "author", "reviewer", "feed"):
        assert "Night cramps, revised" in shown[name], name

    # A re-review (on a later day): the new review date.
    with time_machine.travel(datetime.datetime(2027, 3, 1, 10, tzinfo=datetime.UTC), tick=True):
        assert "1 March 2027" not in through(varnish, affected["article"])[1]  # without a purge, Varnish keeps it
        article.refresh_from_db()
        services.re_review_live_version(
            article=article,
            reviewer=reviewer.person,
            seen_fingerprint=article.live_version.compute_fingerprint(),
            user=reviewer,
        )
        assert "1 March 2027" in after("re-review", set(affected))["article"]

    # A vote: exactly the voted article's page.
    _vote(varnish, article)
    assert "1 of 1 found this helpful" in after("vote", {"article"})["article"]

    # An archive: the notice on the article, gone from the lists.
    lifecycle.archive_article(article=Article.objects.get(pk=article.pk), user=editor)
    shown = after("archive", set(affected))
    assert "archived on" in shown["article"]
    for name in ("home", "A to Z", "cause", "topic", "author", "feed", "related article"):
        assert affected["article"] not in shown[name], name

    # A take-down: 410 at its address (never kept), gone from every page.
    lifecycle.take_down_article(article=Article.objects.get(pk=article.pk), user=reviewer, reason="Unsafe dose.")
    shown = after("take-down", set(affected))
    assert through(varnish, affected["article"])[0].status == 410
    assert not any(affected["article"] in text for name, text in shown.items() if name != "article")

    # A save that changes nothing readers see purges nothing; an edit of a person's own fields
    # exactly the pages that show the person (the taken-down article's address is never kept).
    Person.objects.filter(pk=other_author.pk).get().save()
    after("a person saved unchanged", {"article"})
    Person.objects.filter(pk=other_author.pk).update(pending_text={"bio": "Proposed."})
    person = Person.objects.get(pk=other_author.pk)
    person.credentials = "PhD"
    person.save()
    # (the feed names each article's authors; the sitemap lists people's pages)
    shown = after("a person's credentials", {"article", "unrelated author", "unrelated article", "feed", "sitemap"})
    assert "PhD" in shown["unrelated author"]

    # Signed in: always passed to the site, never served from or into the cache.
    client.force_login(editor)
    session = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"}
    for _ in range(2):
        response, _ = through(varnish, untouched["unrelated article"], headers=session)
        assert response.getheader("X-Cache") == "MISS" and "private" in response.getheader("Cache-Control")
    print(
        f"\nVarnish in front of the test server ({len(pages)} pages, {len(affected)} show the article): "
        + "; ".join(figures)
        + f"; every check in {time.monotonic() - started:.1f} s"
    )


@pytest.mark.django_db(transaction=True)
def test_a_purge_is_sent_again_after_the_configured_delay(editorial_groups, varnish, settings, publish, editor):
    """The second purge drops a page the proxy stored just after the first, which may have been
    rendered from the data before the change (docs/DEPLOYMENT.md, "Varnish in front")."""
    settings.SPASMINFO_CACHE_PURGE_AGAIN_SECONDS = 1.5
    article = publish()
    time.sleep(1.6)  # the publishing steps' own second purges are done with
    url = article.get_absolute_url()
    through(varnish, url)
    lifecycle.archive_article(article=Article.objects.get(pk=article.pk), user=editor)
    assert not hit(through(varnish, url)[0])  # the first purge
    assert hit(through(varnish, url)[0])  # stored again right after it
    assert pending("purge_proxy") == 1  # the second purge, a job scheduled for later
    time.sleep(1.6)
    assert not hit(through(varnish, url)[0])  # dropped by the second


@pytest.mark.django_db(transaction=True)
def test_a_stopped_varnish_gets_its_purge_when_it_is_back_and_the_step_never_waits_for_it(
    editorial_groups, live_server, settings, publish, editor, client
):
    """The purge is a job: with the proxy stopped the step answers at once and commits, the job
    fails and waits (with a growing delay); the Varnish back on its address gets the purge."""
    require_varnishd()
    proxy = Varnish(live_server.url.rsplit(":", 1)[1])
    port = proxy.port
    settings.SPASMINFO_CACHE_PURGE_URLS = [proxy.url]
    settings.SPASMINFO_CACHE_PURGE_AGAIN_SECONDS = 0
    article = publish()
    run_due_jobs()
    proxy.stop()  # Varnish is down

    started = time.monotonic()
    lifecycle.archive_article(article=Article.objects.get(pk=article.pk), user=editor)
    assert time.monotonic() - started < 1.0  # no connection attempt in the step
    assert Article.objects.get(pk=article.pk).archived_at is not None
    assert run_due_jobs() == {"succeeded": 0, "failed": 1}  # refused: tried again later
    assert pending("purge_proxy") == 1

    proxy = Varnish(live_server.url.rsplit(":", 1)[1], port=port)  # back, on the same address
    try:
        home = reverse("articles:home")
        through(port, home)
        assert hit(through(port, home)[0])  # kept by the restarted Varnish
        assert run_due_jobs() == {"succeeded": 0, "failed": 0}  # the retry is not due yet
        later = timezone.now() + datetime.timedelta(minutes=1)
        assert run_due_jobs(now=later) == {"succeeded": 1, "failed": 0}  # the retry reaches it
        assert pending("purge_proxy") == 0
        response, _ = through(port, home)
        assert not hit(response)  # purged ("listings": the home page lists articles)
    finally:
        proxy.stop()


def test_purge_keys_of_an_article_are_those_of_the_pages_that_show_or_list_it():
    """Which keys a page carries (pagecache.shown), which a change purges (articles.freshness)."""
    from articles import freshness
    from pagecache import shown as pages

    shown = pages.Record()
    shown.listed = {freshness.article_key(1), freshness.article_key(2)}
    assert pages.page_keys(shown) == ["listings"]  # declared no list: every article change purges it
    shown.declared, shown.lists = True, {"cause:3"}
    assert pages.page_keys(shown) == ["article:1", "article:2", "cause:3"]
    shown.listed = {freshness.article_key(pk) for pk in range(pages.MAX_SHOWN_KEYS + 1)}
    assert pages.page_keys(shown) == ["cause:3", "listings"]  # bounded
    shown.items = {freshness.person_key(1)}  # not covered by listings: named
    assert pages.page_keys(shown) == ["cause:3", "listings", "person:1"]
    shown.items = {freshness.person_key(pk) for pk in range(pages.MAX_SHOWN_KEYS + 1)}
    assert pages.page_keys(shown) == ["cause:3", "listings", "many"]  # bounded too


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_nothing_in_the_next_ones_purge():
    """Its callbacks never ran: its batch (articles, keys as they were) must not become the next
    transaction's, whose purge would then name the rolled-back articles in place of its own."""
    from articles import freshness
    from pagecache import tags

    with pytest.raises(RuntimeError), transaction.atomic():
        freshness.article_changed(1001)
        raise RuntimeError("rolled back")
    with transaction.atomic():
        freshness.article_changed(7)
        assert set(tags._batch().subjects) == {"article:7"}
