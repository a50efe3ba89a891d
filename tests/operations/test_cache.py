"""The cache degrades, it does not fail (operations/cache.py): with the cache's Redis paused or
stopped (a Redis of the test's own), every public page and the API render uncached, readers'
posts are stored, an editor's draft save answers normally, rate limits count in each process's
memory; once Redis is back, pages are kept again and a change reaches them."""

import time

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from api.models import ApiKey
from articles import services
from articles.models import ArticleVersion
from operations import cache as degrading_cache
from participation.guard import issue
from participation.models import Prompt, Question, Story
from reader.models import HelpfulVote
from tests.articles.test_freshness import cached_patterns, shown_model

pytestmark = pytest.mark.django_db(transaction=True)  # each request commits, as in production


@pytest.fixture
def site(own_redis, settings, editorial_groups, publish, topic):
    settings.SPASMINFO_PAGE_CACHE = True
    settings.SPASMINFO_FRAGMENT_CACHE = True
    article = publish(slug="night-cramps", title="Night cramps")
    prompt = Prompt.objects.create(text="What was the cause of your muscle spasms?", slug="cause")
    prompt.topics.add(topic)
    return own_redis, article, prompt


def public_urls(article, prompt) -> list[str]:
    """Every cached public page of the URLconf, filled with the scene's objects (those that
    need an object the scene has none of are left out and counted), and the API's."""
    urls = []
    for name, pattern in cached_patterns():
        converters = set(pattern.pattern.converters)
        if converters == {"slug", "prompt"}:
            urls.append(reverse(name, kwargs={"slug": article.slug, "prompt": prompt.slug}))
        elif "slug" in converters:
            obj = shown_model(pattern).objects.filter(**public_filter(shown_model(pattern))).first()
            if obj is not None:
                urls.append(reverse(name, kwargs={"slug": obj.slug}))
        elif "q" in pattern.callback.page_cache["params"]:
            urls.append(reverse(name) + "?q=cramps")
        else:
            urls.append(reverse(name))
    return urls


def public_filter(model) -> dict:
    return {"live_answer__isnull": False} if model is Question else {}


def api_client() -> Client:
    key = ApiKey(name="Partner clinic", requests_per_minute=1000)
    raw = key.issue()
    key.save()
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_every_public_page_and_the_api_render_uncached_while_the_cache_is_paused_and_are_kept_again_after(site):
    redis, article, prompt = site
    urls = public_urls(article, prompt)
    assert len(urls) >= 12
    reader, api = Client(), api_client()
    redis.pause()
    started = time.monotonic()
    for url in urls:
        response = reader.get(url)
        assert response.status_code == 200, url
        assert response.get("X-Page-Cache") != "hit", url
    for url in ("/api/v1/articles/", f"/api/v1/articles/{article.slug}/"):
        assert api.get(url).status_code == 200, url
    # one short timeout, then the process leaves the cache alone for the retry period
    assert time.monotonic() - started < 0.25 * 4 + 0.1 * len(urls)

    redis.resume()
    degrading_cache._down_until.clear()  # the retry period has passed
    assert reader.get("/").get("X-Page-Cache") == "miss"
    assert reader.get("/").get("X-Page-Cache") == "hit"


def test_readers_posts_are_stored_while_the_cache_is_stopped(site, settings):
    redis, article, prompt = site
    redis.process.kill()
    redis.process.wait()
    reader = Client()
    share = reverse("participation:share_story", kwargs={"slug": article.slug, "prompt": prompt.slug})
    story = {"display_name": "Sam", "text": "Water helped.", "email": "sam@example.org", "consent": "on"}
    assert reader.post(share, {**story, "website": "", "issued": issue("story")}).status_code == 303
    ask = {"text": "Can magnesium stop night cramps?", "email": "q@example.org", "issued": issue("question")}
    assert reader.post(reverse("participation:ask"), ask).status_code == 303
    assert reader.post(reverse("articles:helpful_vote", args=[article.slug]), {"helpful": "yes"}).status_code == 303
    assert Story.objects.filter(article=article, text="Water helped.").exists()
    assert Question.objects.filter(text__startswith="Can magnesium").exists()
    assert HelpfulVote.objects.filter(article=article).count() == 1


def test_an_editors_draft_save_answers_normally_while_the_cache_is_paused(site, editor):
    redis, article, _ = site
    draft = services.start_draft(article=article, user=editor)
    redis.pause()
    client = Client()
    client.force_login(editor)
    url = reverse("admin:articles_articleversion_change", args=[draft.pk])
    page = client.get(url).context
    form, data = page["adminform"].form, {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is not None:
            data[name] = getattr(value, "pk", value)
    data.update({"body": "Stretch before bed [@1].", "change_note": "Stretching."})
    for formset in page["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for inline_form in formset.formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not None:
                    data[inline_form.add_prefix(name)] = getattr(value, "pk", value)
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert ArticleVersion.objects.get(pk=draft.pk).body == "Stretch before bed [@1]."


def test_rate_limits_count_in_each_process_while_the_cache_is_paused(site, settings):
    redis, _, _ = site
    settings.SPASMINFO_SEARCH_RATE = "3/m"
    redis.pause()
    reader = Client()
    statuses = [reader.get("/search/", {"q": f"cramps {n}"}).status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert caches["ratelimits"].is_unreachable
