"""The page cache (pagecache/middleware.py): hits cost no queries, every change readers should see
misses at once, and nothing else does. It is bounded: parameters that do not change a page share
its entry, entries have a size limit, and losing any key to eviction gives a miss, never a stale
page. Each process keeps copies of the pages it serves, and still serves none that a change made
anywhere has replaced: the shared cache's tokens decide, at every request."""

import time

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from articles import lifecycle, services, workflow
from articles.models import Article, Person
from pagecache import middleware
from pagecache.tags import CONTENT, content_changed, token_key
from reader.views import ArticleDetailView
from taxonomy.models import Cause, CauseGroup, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.SPASMINFO_PAGE_CACHE = True
    cache.clear()
    middleware.local_pages.clear()
    yield
    cache.clear()
    middleware.local_pages.clear()


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run a change and its on-commit invalidations, as a committed request would."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def fetch(url, client=None, **headers):
    response = (client or Client()).get(url, **headers)
    return response, response.get("X-Page-Cache")


@pytest.fixture
def two_articles(publish, after_commit, writer, reviewer, django_user_model):
    """Two live articles that share nothing: other topic, other cause, other author."""
    night = after_commit(publish, slug="night-cramps", title="Night cramps")
    group = CauseGroup.objects.create(name="Other", slug="other")
    other_cause = Cause.objects.create(name="Colic", slug="colic", group=group)
    other_topic = Topic.objects.create(name="Digestive Health", slug="digestive-health")
    other_writer = Person.objects.create(name="Omar Other", slug="omar-other")
    version = services.create_article(
        article=Article(slug="colic", topic=other_topic),
        title="Colic explained",
        summary="About colic.",
        user=workflow.SYSTEM,
    )
    version.body = "Colic comes in waves [@1]."
    version.save()
    version.author_links.create(person=other_writer)
    version.cause_links.create(tag=other_cause)
    version.references.create(number=1, title="Colic", source="BMJ", year=2010)
    version = services.submit_version(version=version, user=workflow.SYSTEM)
    after_commit(
        services.approve_version,
        version=version,
        reviewer=reviewer.person,
        seen_fingerprint=version.submitted_fingerprint,
        user=workflow.SYSTEM,
    )
    return night, Article.objects.get(slug="colic")


def test_a_repeat_visit_is_served_from_the_cache_without_queries(publish, django_assert_num_queries):
    url = publish().get_absolute_url()
    first, state = fetch(url)
    assert state == "miss"
    with django_assert_num_queries(0):
        second, state = fetch(url)
    assert state == "hit"
    assert second.content == first.content


def test_a_hit_carries_exactly_the_headers_of_the_page_when_it_was_rendered(publish):
    """The hit is served before sessions, auth, messages and CSRF run; the headers those
    added to the rendered page were kept with it."""
    article = publish()
    url = article.get_absolute_url()
    miss, _ = fetch(url)
    hit, state = fetch(url)
    assert state == "hit"
    assert {k: v for k, v in hit.items() if k != "X-Page-Cache"} == {
        k: v for k, v in miss.items() if k != "X-Page-Cache"
    }
    assert miss["Cache-Control"].startswith("public, max-age=0, s-maxage=")
    slug = url.strip("/").split("/")[-1]
    # what readers change on it, then what it shows (itself, its cause and the cause's group, its
    # author and reviewer) and lists (related articles by cause and topic)
    cause = article.live_version.cause_links.get().tag
    people = (article.last_reviewed_by_id, article.live_version.author_links.get().person_id)
    people = sorted(f"person:{pk}:shown" for pk in people)
    assert miss["Surrogate-Key"] == (
        f"content votes:{slug} stories:{slug} article:{article.pk} cause:{cause.pk} cause:{cause.pk}:shown "
        f"group:{cause.group_id}:shown {' '.join(people)} topic:{article.topic_id} topic:{article.topic_id}:shown"
    )
    assert "Content-Security-Policy" in hit and hit["X-Frame-Options"] == "DENY"


def test_a_hit_is_one_cache_round_trip(publish, monkeypatch):
    url = publish().get_absolute_url()
    fetch(url)
    calls, depth = [], [0]

    def counted(name, real):
        def call(*args, **kwargs):
            if not depth[0]:  # the local-memory cache's get_many calls get: count the outer call only
                calls.append(name)
            depth[0] += 1
            try:
                return real(*args, **kwargs)
            finally:
                depth[0] -= 1

        return call

    for name in ("get", "get_many", "set", "set_many", "add", "delete"):
        monkeypatch.setattr(cache, name, counted(name, getattr(cache, name)))
    assert fetch(url)[1] == "hit"
    assert calls == ["get_many"]


def test_a_new_live_version_shows_on_every_page_at_the_next_request(
    two_articles, editor, submit, approve, after_commit, cause, topic, writer, reviewer
):
    """A sign-off makes exactly the pages that show or list the article miss (what each showed is
    recorded while it renders, not declared); the others stay hits."""
    night, colic = two_articles
    showing_night = [
        night.get_absolute_url(),
        reverse("articles:home"),
        reverse("articles:article_index"),
        cause.get_absolute_url(),
        topic.get_absolute_url(),
        writer.get_absolute_url(),
        reviewer.person.get_absolute_url(),  # reviewed both, so it lists night cramps
        reverse("articles:search") + "?q=cramps",
        reverse("articles:feed"),
        reverse("sitemap"),
        reverse("taxonomy:cause_index"),  # its articles' counts
    ]
    others = [
        colic.get_absolute_url(),
        Cause.objects.get(slug="colic").get_absolute_url(),
        Topic.objects.get(slug="digestive-health").get_absolute_url(),
        Person.objects.get(slug="omar-other").get_absolute_url(),
    ]
    for url in showing_night + others:
        fetch(url)
        assert fetch(url)[1] == "hit", url

    draft = services.start_draft(article=night, user=editor)
    draft.title = "Night cramps, revised"
    draft.save()
    submit(draft)
    after_commit(approve, draft)

    assert {url: fetch(url)[1] for url in showing_night} == dict.fromkeys(showing_night, "miss")
    assert {url: fetch(url)[1] for url in others} == dict.fromkeys(others, "hit")
    for url in showing_night[:-2]:  # the sitemap and the causes show no titles
        assert "revised" in fetch(url)[0].content.decode(), url  # search marks up "cramps"


def test_a_vote_misses_only_the_page_of_its_article(two_articles, after_commit):
    """Reader writes keep narrow tags: a vote does not empty the page cache."""
    night, colic = two_articles
    urls = [night.get_absolute_url(), colic.get_absolute_url(), reverse("articles:home")]
    for url in urls:
        fetch(url)
    after_commit(Client().post, reverse("articles:helpful_vote", args=[night.slug]), {"helpful": "yes"})
    assert [fetch(url)[1] for url in urls] == ["miss", "hit", "hit"]


def test_re_review_archive_and_restore_show_at_once(publish, after_commit, reviewer, editor):
    article = publish()
    url, home = article.get_absolute_url(), reverse("articles:home")
    fetch(url), fetch(home)
    with time_machine.travel("2027-03-01 10:00Z", tick=False):
        after_commit(
            services.re_review_live_version,
            article=article,
            reviewer=reviewer.person,
            seen_fingerprint=article.live_version.compute_fingerprint(),
            user=reviewer,
        )
        page, state = fetch(url)
    assert state == "miss" and "1 March 2027" in page.content.decode()

    after_commit(lifecycle.archive_article, article=article, user=editor)
    assert "archived on" in fetch(url)[0].content.decode()
    assert article.get_absolute_url() not in fetch(home)[0].content.decode()
    after_commit(lifecycle.restore_article, article=article, user=editor)
    assert article.get_absolute_url() in fetch(home)[0].content.decode()


def test_editing_a_cause_or_a_person_updates_the_pages_that_show_them(publish, after_commit, cause, writer):
    url = publish().get_absolute_url()
    fetch(url)
    cause.name = "Fluid loss"
    after_commit(cause.save)
    assert "Fluid loss" in fetch(url)[0].content.decode()
    writer.credentials = "MPH, PhD"
    after_commit(writer.save)
    assert "MPH, PhD" in fetch(url)[0].content.decode()


def test_a_vote_updates_the_count_other_readers_see(publish, after_commit):
    article = publish()
    url = article.get_absolute_url()
    fetch(url)
    after_commit(Client().post, reverse("articles:helpful_vote", args=[article.slug]), {"helpful": "yes"})
    page, _ = fetch(url)
    assert "1 of 1 found this helpful" in page.content.decode()


def test_a_revalidation_is_answered_304_without_rendering(publish, django_assert_num_queries):
    url = publish().get_absolute_url()
    first, _ = fetch(url)
    with django_assert_num_queries(0):
        again, _ = fetch(url, HTTP_IF_NONE_MATCH=first["ETag"])
        since, _ = fetch(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == since.status_code == 304
    assert again["ETag"] == first["ETag"]


def test_every_reader_gets_the_same_bytes_and_the_vote_form_fetches_its_token(publish):
    article = publish()
    url = article.get_absolute_url()
    first, _ = fetch(url)
    reader = Client(enforce_csrf_checks=True)
    page, state = fetch(url, client=reader)
    assert state == "hit" and page.content == first.content
    assert b"csrfmiddlewaretoken" not in page.content and not page.cookies
    assert b'data-csrf-url="/csrf/"' in page.content and b"js/csrf.js" in page.content

    token = reader.get(reverse("articles:csrf_token"))  # what static/js/csrf.js does on interaction
    assert "no-cache" in token["Cache-Control"] and "csrftoken" in token.cookies
    vote = reader.post(
        reverse("articles:helpful_vote", args=[article.slug]),
        {"helpful": "yes", "csrfmiddlewaretoken": token.json()["token"]},
    )
    assert vote.status_code == 303


def test_signed_in_staff_and_voters_always_get_a_fresh_page(publish, editor):
    url = publish().get_absolute_url()
    staff = Client()
    staff.force_login(editor)
    page, state = fetch(url, client=staff)
    assert state is None and page["Cache-Control"] == "private, no-cache" and "Surrogate-Key" not in page
    voter = Client()
    voter.cookies["spasminfo_voter"] = "token"
    page, state = fetch(url, client=voter)
    assert state is None and page["Cache-Control"] == "private, no-cache"


def test_a_page_rendered_while_the_content_changed_is_never_served_again(publish, monkeypatch, after_commit):
    """The tokens are read before rendering; a change committed during the render replaced them,
    so the page is kept by no cache: neither here nor by a proxy (private, no Surrogate-Key),
    whose purge may have come before the page (docs/DEPLOYMENT.md, "Varnish in front")."""
    article = publish()
    url = article.get_absolute_url()
    real_get_context_data = ArticleDetailView.get_context_data

    def change_during_render(view, **kwargs):
        context = real_get_context_data(view, **kwargs)
        after_commit(content_changed)
        return context

    monkeypatch.setattr(ArticleDetailView, "get_context_data", change_during_render)
    page, state = fetch(url)
    assert state is None and page["Cache-Control"] == "private, no-cache" and "Surrogate-Key" not in page
    monkeypatch.undo()
    assert fetch(url)[1] == "miss"  # rendered again, not served from the entry of the render above
    assert fetch(url)[1] == "hit"


def test_the_next_day_renders_afresh(publish):
    with time_machine.travel("2026-06-01 10:00Z", tick=False):
        url = publish().get_absolute_url()
        fetch(url)
        assert fetch(url)[1] == "hit"
    with time_machine.travel("2026-06-02 00:05Z", tick=False):
        assert fetch(url)[1] == "miss"


@override_settings(SPASMINFO_PAGE_CACHE=False)
def test_with_the_cache_off_pages_still_answer_conditional_requests(publish):
    url = publish().get_absolute_url()
    first, state = fetch(url)
    assert state is None and first.has_header("ETag")
    assert fetch(url, HTTP_IF_NONE_MATCH=first["ETag"])[0].status_code == 304


@pytest.mark.parametrize(
    ("stored", "served", "s_maxage"),
    [
        ("2026-06-01 00:00:00", "2026-06-01 00:00:00", 86400),
        ("2026-06-01 10:00:00", "2026-06-01 10:00:00", 14 * 3600),
        ("2026-06-01 10:00:00", "2026-06-01 23:59:00", 60),
    ],
)
def test_a_proxy_keeps_a_page_no_later_than_the_end_of_the_day(publish, stored, served, s_maxage):
    """Overdue notices and OVERDUE_POLICY=hide change pages when a day begins, and no purge is sent
    then: a proxy must ask again by midnight, also for a page the site's cache stored earlier."""
    url = publish().get_absolute_url()
    with time_machine.travel(stored, tick=False):
        fetch(url)
    with time_machine.travel(served, tick=False):
        response, state = fetch(url)
    assert state == "hit"
    assert response["Cache-Control"] == f"public, max-age=0, s-maxage={s_maxage}"


# --- bounded: shared entries, a size limit, eviction ------------------------------------------------


def page_keys() -> list[str]:
    """The page entries in the (local memory) test cache."""
    return [key for key in cache._cache if "pagecache:page:" in key]


def state(url: str) -> str | None:
    return Client().get(url).get("X-Page-Cache")


@pytest.fixture
def routes(publish, after_commit, cause, topic, writer):
    article = after_commit(publish)
    return [
        reverse("articles:home"),
        reverse("articles:article_index"),
        article.get_absolute_url(),
        cause.get_absolute_url(),
        topic.get_absolute_url(),
        writer.get_absolute_url(),
        reverse("taxonomy:cause_index"),
        reverse("articles:search") + "?q=cramps",
        reverse("articles:feed"),
        reverse("sitemap"),
    ]


def test_tracking_tags_and_unknown_parameters_share_the_canonical_pages_entry(routes):
    home, index, article = routes[0], routes[1], routes[2]
    assert state(home) == "miss"
    assert state(home + "?utm_source=newsletter&utm_medium=email") == "hit"
    assert state(home + "?fbclid=abc123") == "hit"
    assert state(article + "?ref=twitter") == "miss"  # its own canonical page: first visit
    assert state(article + "?voted=1") == "hit"  # a reader without the voter cookie: the same page
    assert state(index) == "miss"
    assert state(index + "?page=abc") == "hit"  # not a number: the first page, as the paginator reads it
    assert state(index + "?page=1") == "hit"
    search = reverse("articles:search")
    assert state(search + "?q=cramps") == "miss"
    assert state(search + "?q=++cramps++&gclid=x") == "hit"
    assert len(page_keys()) == 4


def test_a_page_number_past_the_end_is_served_but_never_kept(routes, cause):
    url = cause.get_absolute_url() + "?page=900"
    response = Client().get(url)
    assert response.status_code == 200 and response.context["page_obj"].number == 1
    assert state(url) is None and page_keys() == []


@override_settings(RATELIMIT_ENABLE=False)  # a client's rate-limit counter is a cache key too; this counts pages
def test_ten_thousand_junk_urls_leave_the_number_of_cache_keys_bounded(routes):
    for url in routes:
        state(url)
    canonical_keys = len(cache._cache)
    assert len(page_keys()) == len(routes)

    client = Client()
    started = time.monotonic()
    hits = 0
    for n in range(10_000):
        url = routes[n % len(routes)]
        junk = [f"utm_source=mail{n}", f"x{n}=1", f"page=p{n}", "page=0", f"fbclid={n}"][n % 5]
        response = client.get(f"{url}{'&' if '?' in url else '?'}{junk}")
        hits += response.get("X-Page-Cache") == "hit"
    elapsed = time.monotonic() - started

    print(
        f"\n10000 junk URLs over {len(routes)} routes in {elapsed:.1f} s: {hits} hits, "
        f"cache keys {canonical_keys} before and {len(cache._cache)} after, {len(page_keys())} pages"
    )
    assert hits == 10_000  # none bypassed the cache
    assert len(cache._cache) == canonical_keys  # and none made an entry


def test_a_page_over_the_size_limit_is_served_but_not_kept(routes, settings):
    settings.SPASMINFO_PAGE_CACHE_MAX_BYTES = 1000
    article = routes[2]
    response = Client().get(article)
    assert response.status_code == 200 and len(response.content) > 1000
    assert state(article) is None and page_keys() == []


def _sign_off_new_title(article: Article, title: str, editor, submit, approve, after_commit) -> None:
    draft = services.start_draft(article=article, user=editor)
    draft.title = title
    draft.save()
    after_commit(approve, submit(draft))


def test_evicting_any_cache_key_gives_a_miss_never_a_stale_page(routes, editor, submit, approve, after_commit):
    """What Redis's LRU may do under its memory limit: drop any key, a page or a tag's token.
    For every key the warmed cache holds, drop it, change the article, and compare every
    route through the cache with a render that bypasses it."""
    article = Article.objects.get()
    for url in routes:
        state(url)
    keys = list(cache._cache)
    stale = []
    for n, key in enumerate(keys):
        for url in routes:
            state(url)  # warm again: entries under the current tokens
        cache._cache.pop(key, None)
        cache._expire_info.pop(key, None)
        _sign_off_new_title(article, f"Night cramps, edition {n}", editor, submit, approve, after_commit)
        for url in routes:
            cached = Client().get(url)
            fresh = Client(HTTP_COOKIE=f"{_bypass_cookie()}=1").get(url)
            if _without_csrf(cached.content) != _without_csrf(fresh.content):
                stale.append((key, url))
    print(f"\n{len(keys)} keys evicted one at a time x {len(routes)} routes: {len(stale)} stale")
    assert stale == []


def _bypass_cookie() -> str:
    from django.conf import settings

    return settings.SESSION_COOKIE_NAME  # a reader with a session always gets a fresh render


def _without_csrf(content: bytes) -> bytes:
    import re

    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


# --- the copies each process keeps ------------------------------------------------------------------


@pytest.fixture
def cache_reads(monkeypatch):
    """The keys each get_many of the shared cache asked for."""
    reads = []
    real = cache.get_many

    def recorded(keys, *args, **kwargs):
        reads.append(list(keys))
        return real(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", recorded)
    return reads


def test_a_hit_from_the_process_copy_fetches_only_the_tokens(publish, cache_reads):
    url = publish(slug="night-cramps").get_absolute_url()
    assert Client().get(url)["X-Page-Cache"] == "miss"
    cache_reads.clear()
    response = Client().get(url)
    assert response["X-Page-Cache"] == "hit" and b"Night cramps" in response.content
    (keys,) = cache_reads  # one round trip, and the page itself did not cross it
    assert keys and all(key.startswith("pagecache:tag:") for key in keys)


def test_a_change_made_by_another_process_is_seen_at_the_next_request(publish):
    url = publish(slug="night-cramps").get_absolute_url()
    Client().get(url)
    assert Client().get(url)["X-Page-Cache"] == "hit"
    # Another process's change replaces the content generation in the shared cache only.
    cache.set(token_key(CONTENT), "replaced-elsewhere", timeout=None)
    assert Client().get(url)["X-Page-Cache"] == "miss"


def test_an_evicted_token_is_a_miss_even_with_the_process_copy(publish):
    url = publish(slug="night-cramps").get_absolute_url()
    Client().get(url)
    cache.delete(token_key(CONTENT))
    assert Client().get(url)["X-Page-Cache"] == "miss"


def test_the_process_copies_stay_within_their_byte_budget(settings):
    settings.SPASMINFO_PAGE_CACHE_LOCAL_BYTES = 250
    pages = middleware._LocalPages()
    for n in range(5):
        pages.put(f"page-{n}", {"content": b"x" * 100, "headers": {}, "tokens": {}})
    pages.get("page-3")  # page-3 and page-4 are kept; reading page-3 makes page-4 the next to go
    pages.put("page-5", {"content": b"x" * 100, "headers": {}, "tokens": {}})
    kept = [key for key in (f"page-{n}" for n in range(6)) if pages.get(key) is not None]
    assert kept == ["page-3", "page-5"]
    pages.put("too-big", {"content": b"x" * 251, "headers": {}, "tokens": {}})
    assert pages.get("too-big") is None


def test_without_a_budget_nothing_is_kept_in_the_process(settings, publish, cache_reads):
    settings.SPASMINFO_PAGE_CACHE_LOCAL_BYTES = 0
    url = publish(slug="night-cramps").get_absolute_url()
    Client().get(url)
    cache_reads.clear()
    assert Client().get(url)["X-Page-Cache"] == "hit"
    assert any(key.startswith("pagecache:page:") for key in cache_reads[0])
