"""Public forms are bounded: CSRF-protected, rate limited, length-limited, validated."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from reader.models import HelpfulVote


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Empty counters, and a clock that stands still: django-ratelimit counts in fixed
    windows, and a slow run crossing a window's end would start counting afresh."""
    cache.clear()
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False):
        yield
    cache.clear()


def vote_url(article) -> str:
    return reverse("articles:helpful_vote", args=[article.slug])


def test_a_thousand_votes_from_one_browser_change_the_count_by_one(publish, capsys):
    article = publish()
    browser = Client()
    statuses = [browser.post(vote_url(article), {"helpful": "yes"}).status_code for _ in range(1000)]
    votes = HelpfulVote.objects.filter(article=article).count()
    with capsys.disabled():
        print(f"\n\n1000 votes from one browser: count changed by {votes}; answers {sorted(set(statuses))}\n")
    assert votes == 1
    assert set(statuses) <= {303, 429}


@override_settings(SPASMINFO_VOTE_RATE="30/h")
def test_a_client_clearing_its_cookies_is_capped_by_the_rate_limit(publish, capsys):
    article = publish()
    statuses = [Client().post(vote_url(article), {"helpful": "yes"}).status_code for _ in range(1000)]
    votes = HelpfulVote.objects.filter(article=article).count()
    with capsys.disabled():
        print(f"\n\n1000 cookie-less votes from one address: {votes} counted, {statuses.count(429)} refused (429)\n")
    assert votes <= 30
    assert statuses.count(429) == 1000 - votes


@override_settings(SPASMINFO_VOTE_RATE="1/h")
def test_the_rate_limited_answer_is_a_calm_page(publish):
    article = publish()
    client = Client()
    assert Client().post(vote_url(article), {"helpful": "no"}).status_code == 303
    response = Client().post(vote_url(article), {"helpful": "no"})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Please slow down" in response.content.decode()
    assert client.get(article.get_absolute_url()).status_code == 200  # reading is never limited


def test_votes_need_a_csrf_token_and_a_valid_answer(publish):
    article = publish()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(vote_url(article), {"helpful": "yes"}).status_code == 403
    assert Client().post(vote_url(article), {"helpful": "maybe"}).status_code == 400
    assert Client().post(vote_url(article), {"helpful": "x" * 100_000}).status_code == 400
    assert Client().get(vote_url(article)).status_code == 405
    assert not HelpfulVote.objects.exists()


def test_search_is_length_limited_and_rate_limited(publish):
    publish()
    client = Client()
    response = client.get(reverse("articles:search"), {"q": "cramp " * 5000})
    assert response.status_code == 200
    assert len(response.context["query"]) <= 200
    assert client.get(reverse("articles:search"), {"q": "cramps", "page": "not-a-number"}).status_code == 200
    assert client.get(reverse("articles:search"), {"q": "cramps", "page": "999999"}).status_code == 200
    statuses = [client.get(reverse("articles:search"), {"q": "cramps"}).status_code for _ in range(100)]
    assert statuses.count(429) == 100 - 57  # 60 a minute, three spent above


@override_settings(SPASMINFO_SEARCH_RATE="5/m")
def test_an_address_refused_on_get_is_refused_on_head_with_new_queries(publish):
    """The limit counts every method: an address refused (429) on GET is refused on HEAD too."""
    publish()
    search = reverse("articles:search")
    gets = [Client().get(search, {"q": f"cramps {n}"}).status_code for n in range(6)]
    heads = [Client().head(search, {"q": f"night cramps {n}"}).status_code for n in range(200)]
    print(f"\nsearch at 5/m: GET {gets}; then 200 HEADs with new queries: {heads.count(429)} refused")
    assert gets == [200] * 5 + [429]
    assert heads == [429] * 200


@override_settings(SPASMINFO_SEARCH_RATE="5/m", SPASMINFO_PAGE_CACHE=True)
def test_a_search_served_from_the_page_cache_still_counts_towards_the_limit(publish):
    """The limit is checked before the page cache, so a cached search still counts."""
    publish()
    search = reverse("articles:search")
    statuses = [Client().get(search, {"q": "cramps"}).status_code for _ in range(8)]
    heads = [Client().head(search, {"q": "cramps"}).status_code for _ in range(3)]
    assert statuses == [200] * 5 + [429] * 3
    assert heads == [429] * 3


@override_settings(SPASMINFO_SEARCH_RATE="5/m", SPASMINFO_VOTE_RATE="5/h")
@pytest.mark.parametrize("method", ["get", "head", "post"])
def test_every_method_counts_towards_the_limits(publish, method):
    """Every method spends the one budget of search and of votes: after five of any kind, the next is refused."""
    article = publish()
    for url, follow_up in [(reverse("articles:search"), "get"), (vote_url(article), "post")]:
        statuses = [getattr(Client(), method)(url, {"q": f"cramps {n}"}).status_code for n in range(5)]
        assert 429 not in statuses
        assert getattr(Client(), follow_up)(url, {"q": "cramps", "helpful": "yes"}).status_code == 429


@override_settings(SPASMINFO_READER_POST_RATE="10/h")
def test_a_thousand_stories_from_one_address_are_capped_and_the_server_stays_healthy(publish, topic, capsys):
    """1,000 stories from one address (each with a fresh, valid form)."""
    from participation.guard import issue
    from participation.models import Prompt, Story

    article = publish()
    prompt = Prompt.objects.create(text="What treatment did you use?", slug="treatment")
    prompt.topics.add(topic)
    url = reverse("participation:share_story", kwargs={"slug": article.slug, "prompt": prompt.slug})
    data = {"display_name": "Bot", "text": "Buy cramp pills now, cheap.", "consent": "on", "issued": issue("story")}
    statuses = [Client().post(url, {**data, "issued": issue("story")}).status_code for _ in range(1000)]
    stored = Story.objects.count()
    with capsys.disabled():
        print(f"\n\n1000 stories from one address: {stored} stored, {statuses.count(429)} refused (429)\n")
    assert stored == 10 and statuses.count(429) == 990
    assert Client().get(article.get_absolute_url()).status_code == 200  # reading is never limited
    assert Client().get(url).status_code == 200  # nor is opening the form
