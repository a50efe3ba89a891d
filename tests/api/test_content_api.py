"""The content API shows only signed-off content, in schema.org names, to holders of a key."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from api.models import ApiKey, ApiKeyUsage
from articles import lifecycle, services, supporting_text

pytestmark = pytest.mark.django_db

ARTICLES = reverse("api:article_list")


def detail(slug):
    return reverse("api:article_detail", kwargs={"slug": slug})


def test_a_request_without_a_valid_key_is_refused(reader, api_key, publish):
    publish()
    key, raw = api_key
    assert reader.get(ARTICLES).status_code == 401
    assert reader.get(ARTICLES, HTTP_AUTHORIZATION=f"Bearer {raw}x").status_code == 401
    assert reader.get(ARTICLES, HTTP_AUTHORIZATION=f"Token {raw}").status_code == 401
    key.revoked_at = datetime.datetime.now(tz=datetime.UTC)
    key.save()
    assert reader.get(ARTICLES, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_a_key_is_stored_only_as_its_hash(api_key):
    key, raw = api_key
    stored = ApiKey.objects.filter(pk=key.pk).values().get()
    assert not any(raw in str(value) for value in stored.values())
    assert raw.startswith(stored["prefix"]) and len(stored["prefix"]) < len(raw) // 3


def test_an_article_record_uses_schema_org_names(consumer, publish, reviewer):
    article = publish(slug="night-cramps", title="Night cramps")
    record = consumer.get(detail("night-cramps")).json()
    assert record["@type"] == "MedicalWebPage"
    assert record["name"] == "Night cramps"
    assert record["lastReviewed"] == article.last_reviewed_at.date().isoformat()
    assert record["reviewedBy"]["name"] == "Ana Rivera" and record["reviewedBy"]["honorificSuffix"] == "MD, FACEP"
    assert record["citation"][0]["name"] == "Muscle cramps"
    assert record["citation"][0]["sameAs"] == "https://doi.org/10.1002/mus.20341"
    assert record["author"][0]["name"] == "Cara Lind"
    assert 'id="cite-1"' in record["text"]
    assert record["about"][1] == {
        "@type": "MedicalCause",
        "name": "Dehydration",
        "url": "http://testserver/causes/dehydration/",
    }


def test_only_the_live_version_of_each_article_is_listed(consumer, publish, draft_factory, submit, editor):
    live = publish(slug="live-one", title="Live title")
    draft = services.start_draft(article=live, user=editor)
    draft.title = "Unreviewed new title"
    draft.save()
    submit(draft)
    draft_factory(slug="only-a-draft", title="Draft only")
    submit(draft_factory(slug="awaiting", title="Awaiting review"))

    listing = consumer.get(ARTICLES)
    assert [a["identifier"] for a in listing.json()["results"]] == ["live-one"]
    assert "Unreviewed" not in listing.content.decode()
    assert consumer.get(detail("live-one")).json()["name"] == "Live title"
    assert consumer.get(detail("only-a-draft")).status_code == 404
    assert consumer.get(detail("awaiting")).status_code == 404


def test_people_and_causes_show_their_signed_off_text_not_a_proposal(consumer, publish, writer, cause, editor):
    publish()
    writer.bio = "Signed-off bio."
    writer.save()  # set directly here: the reviewed baseline
    supporting_text.propose_text(obj=writer, values={"bio": "Proposed bio."}, user=editor)
    writer.save()
    supporting_text.propose_text(obj=cause, values={"description": "Proposed description."}, user=editor)
    cause.save()

    person = consumer.get(reverse("api:person_detail", kwargs={"slug": writer.slug})).json()
    assert person["description"] == "Signed-off bio."
    body = consumer.get(reverse("api:cause_list")).content.decode() + consumer.get(ARTICLES).content.decode()
    assert "Proposed" not in body


def test_people_causes_and_topics_only_a_draft_names_are_not_there(consumer, draft_factory, writer, cause, topic):
    draft_factory()
    for name, slug in (("person", writer.slug), ("cause", cause.slug), ("topic", topic.slug)):
        assert consumer.get(reverse(f"api:{name}_detail", kwargs={"slug": slug})).status_code == 404
        assert consumer.get(reverse(f"api:{name}_list")).json()["results"] == []


def test_lists_page_by_cursor_each_record_once(consumer, publish):
    for n in range(5):
        publish(slug=f"article-{n}", title=f"Article {n}")
    seen, url, pages = [], f"{ARTICLES}?limit=2", 0
    while url:
        page = consumer.get(url).json()
        seen += [a["identifier"] for a in page["results"]]
        url, pages = page["next"], pages + 1
    assert sorted(seen) == [f"article-{n}" for n in range(5)] and pages == 3


def test_a_tampered_cursor_is_refused(consumer, publish):
    publish(slug="a")
    publish(slug="b")
    next_url = consumer.get(f"{ARTICLES}?limit=1").json()["next"]
    assert consumer.get(next_url[:-3] + "xyz").status_code == 400


def test_a_cursor_of_one_list_is_refused_by_another(consumer, publish):
    """The article and removal lists both order by (a time, an id): a cursor of the one decoded
    on the other would have paged it from a wrong position without a word."""
    publish(slug="a")
    publish(slug="b")
    next_url = consumer.get(f"{ARTICLES}?limit=1").json()["next"]
    token = next_url.split("cursor=")[1].split("&")[0]
    answer = consumer.get(f"{reverse('api:removed_list')}?cursor={token}")
    assert answer.status_code == 400 and "not valid" in answer.json()["detail"]
    assert consumer.get(next_url).status_code == 200


def test_a_syndicators_loop_list_then_changes_since_then_etag_304(consumer, publish, reviewer, approve):
    """What a partner site runs every night: everything once, then only what changed, then revalidate."""
    with time_machine.travel("2026-03-01 09:00Z"):
        publish(slug="cramps", title="Cramps")
        steady = publish(slug="steady", title="Steady")
    with time_machine.travel("2026-03-02 09:00Z"):
        first = consumer.get(ARTICLES).json()
    assert {a["identifier"] for a in first["results"]} == {"cramps", "steady"}
    high_water = max(a["changedAt"] for a in first["results"])

    with time_machine.travel("2026-04-01 09:00Z"):
        publish(slug="new-one", title="New one")
        live = steady.live_version
        services.re_review_live_version(
            article=steady, reviewer=reviewer.person, seen_fingerprint=live.compute_fingerprint(), user=reviewer
        )
    with time_machine.travel("2026-04-02 09:00Z"):
        changes = consumer.get(ARTICLES, {"modified_since": high_water}).json()
        assert [a["identifier"] for a in changes["results"]] == ["new-one", "steady"]  # oldest change first
        assert changes["results"][1]["lastReviewed"] == "2026-04-01"

        response = consumer.get(detail("steady"))
        etag = response["ETag"]
        assert response.status_code == 200 and etag and response["Cache-Control"] == "private, no-cache"
        again = consumer.get(detail("steady"), HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304 and again.content == b""
        listing = consumer.get(ARTICLES)
        assert consumer.get(ARTICLES, HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 304


def test_archiving_an_article_is_a_change_the_feed_reports(consumer, publish, editor):
    with time_machine.travel("2026-03-01 09:00Z"):
        article = publish(slug="old-news")
    with time_machine.travel("2026-05-01 09:00Z"):
        lifecycle.archive_article(article=article, user=editor)
    record = consumer.get(ARTICLES, {"modified_since": "2026-04-01T00:00:00Z"}).json()["results"][0]
    assert record["identifier"] == "old-news" and record["dateArchived"].startswith("2026-05-01")


REMOVED = reverse("api:removed_list")


def test_a_take_down_is_announced_to_syndicators_until_a_new_sign_off_brings_the_article_back(
    consumer, publish, reviewer, editor, draft_factory, submit, approve
):
    """Without it a syndicator's changes feed never says to drop a withdrawn article: it just stops
    appearing, the same as an article that did not change."""
    with time_machine.travel("2026-03-01 09:00Z"):
        article = publish(slug="cramps", title="Cramps")
        publish(slug="steady", title="Steady")
        draft_factory(slug="never-public", title="Never public")
    with time_machine.travel("2026-03-02 09:00Z"):
        assert consumer.get(REMOVED).json() == {"next": None, "results": []}
    with time_machine.travel("2026-04-01 09:00Z"):
        lifecycle.take_down_article(article=article, user=reviewer, reason="Dosage under review (internal note)")
    with time_machine.travel("2026-04-02 09:00Z"):
        response = consumer.get(REMOVED, {"removed_since": "2026-03-02T09:00:00Z"})
        assert response.status_code == 200
        (record,) = response.json()["results"]
        assert record == {
            "@type": "MedicalWebPage",
            "identifier": "cramps",
            "url": "http://testserver/articles/cramps/",
            "dateRemoved": "2026-04-01T09:00:00+00:00",
            "reason": "withdrawn for medical review",
        }
        assert b"internal note" not in response.content
        assert consumer.get(REMOVED, {"removed_since": "2026-04-01T10:00:00Z"}).json()["results"] == []
        assert [a["identifier"] for a in consumer.get(ARTICLES).json()["results"]] == ["steady"]

    with time_machine.travel("2026-05-01 09:00Z"):
        approve(submit(services.start_draft(article=article, user=editor)))
    assert consumer.get(REMOVED).json()["results"] == []
    back = consumer.get(ARTICLES, {"modified_since": "2026-04-02T00:00:00Z"}).json()["results"]
    assert [a["identifier"] for a in back] == ["cramps"]


def test_the_removed_list_pages_by_cursor(consumer, publish, reviewer):
    for n in range(3):
        with time_machine.travel(f"2026-03-0{n + 1} 09:00Z"):
            lifecycle.take_down_article(article=publish(slug=f"gone-{n}"), user=reviewer, reason="Checking")
    first = consumer.get(REMOVED, {"limit": 2}).json()
    second = consumer.get(first["next"]).json()
    assert [r["identifier"] for r in first["results"] + second["results"]] == ["gone-0", "gone-1", "gone-2"]
    assert second["next"] is None


def test_signed_off_supporting_text_counts_as_a_change_of_the_articles_naming_it(
    consumer, publish, writer, editor, author_reviewer
):
    with time_machine.travel("2026-03-01 09:00Z"):
        publish(slug="cramps")
    with time_machine.travel("2026-05-01 09:00Z"):
        supporting_text.propose_text(obj=writer, values={"credentials": "MPH, PhD"}, user=editor)
        writer.save()
        supporting_text.approve_text(obj=writer, user=author_reviewer, seen_fingerprint=writer.text_fingerprint())
    changes = consumer.get(ARTICLES, {"modified_since": "2026-04-01T00:00:00Z"}).json()["results"]
    assert [a["author"][0]["honorificSuffix"] for a in changes] == ["MPH, PhD"]


def test_each_key_has_its_own_rate_limit_and_usage_counts(reader, publish, settings):
    publish()
    slow, fast = ApiKey(name="Slow", requests_per_minute=3), ApiKey(name="Fast", requests_per_minute=100)
    slow_raw, fast_raw = slow.issue(), fast.issue()
    slow.save()
    fast.save()
    answers = [reader.get(ARTICLES, HTTP_AUTHORIZATION=f"Bearer {slow_raw}").status_code for _ in range(5)]
    assert answers == [200, 200, 200, 429, 429]
    refused = reader.get(ARTICLES, HTTP_AUTHORIZATION=f"Bearer {slow_raw}")
    assert refused["Retry-After"] == "60"
    assert reader.get(ARTICLES, HTTP_AUTHORIZATION=f"Bearer {fast_raw}").status_code == 200
    usage = ApiKeyUsage.objects.get(key=slow)
    assert (usage.requests, usage.refused) == (3, 3)
    assert ApiKeyUsage.objects.get(key=fast).requests == 1


# --- queries: fixed whatever the content size -----------------------------------------------


def _grow(publish, size):
    for n in range(size):
        publish(slug=f"article-{n}", title=f"Article {n}")


@pytest.mark.parametrize("size", [2, 6])
def test_the_article_list_runs_a_fixed_number_of_queries(consumer, publish, size, django_assert_num_queries):
    _grow(publish, size)
    consumer.get(ARTICLES)  # today's usage row exists from now on
    # key, usage count, articles (+ live version, topic, series, reviewer), authors, causes, references, FAQ, pictures,
    # review history (signed-off versions, their sign-offs)
    with django_assert_num_queries(10):
        assert len(consumer.get(ARTICLES).json()["results"]) == size


def test_an_article_runs_the_same_queries_as_the_list(consumer, publish, django_assert_num_queries):
    publish(slug="cramps")
    consumer.get(ARTICLES)
    with django_assert_num_queries(10):
        assert consumer.get(detail("cramps")).status_code == 200


@pytest.mark.parametrize("route", ["person_list", "cause_list", "topic_list"])
def test_people_causes_and_topics_lists_run_three_queries(consumer, publish, route, django_assert_num_queries):
    _grow(publish, 3)
    consumer.get(ARTICLES)
    with django_assert_num_queries(3):  # key, usage count, the page
        assert consumer.get(reverse(f"api:{route}")).json()["results"]


def test_an_article_gives_its_pictures_with_every_rendition_and_their_signed_off_words(
    consumer, draft_factory, submit, approve, settings, tmp_path
):
    from tests.images.test_services import upload

    settings.MEDIA_ROOT = tmp_path / "media"
    upload("calf")
    draft = draft_factory(slug="with-picture", body="Intro.\n\n![[image:calf]]\n\nEnd [@1].")
    submit(draft)
    approve(draft)
    record = consumer.get(detail("with-picture")).json()
    (picture,) = record["images"]
    assert picture["identifier"] == "calf" and (picture["width"], picture["height"]) == (1000, 600)
    assert picture["description"] == "A runner stretching a calf" and picture["creditText"] == "Photo: A. Lee"
    formats = {r["encodingFormat"] for r in picture["thumbnail"]}
    assert formats == {"image/jpeg", "image/webp"} and all(
        r["contentUrl"].startswith("http://testserver/media/") for r in picture["thumbnail"]
    )
    assert record["image"].endswith("/1000.jpg")


def test_a_page_with_a_next_cursor_keeps_its_etag_from_one_second_to_the_next(consumer, publish):
    """The cursor is signed as of no particular moment: the same page is the same bytes, so a
    syndicator's revalidation of a long list gets its 304 (signing.dumps stamped every request)."""
    for slug in ("cramps", "steady", "third"):
        publish(slug=slug, title=slug.capitalize())
    first = consumer.get(ARTICLES, {"limit": 2})
    assert first.json()["next"]
    with time_machine.travel(datetime.timedelta(seconds=3)):
        again = consumer.get(ARTICLES, {"limit": 2}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    second = consumer.get(first.json()["next"]).json()
    assert [a["identifier"] for a in second["results"]] and second["next"] is None


def test_a_missing_or_wrong_key_is_a_401_that_says_how_to_authenticate(client, db):
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer spk_not-a-key"}):
        answer = client.get(ARTICLES, **headers)
        assert answer.status_code == 401
        assert answer["WWW-Authenticate"].startswith("Bearer")
        assert answer["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("parameter", ["modified_since", "removed_since"])
def test_since_accepts_any_offset_and_the_basic_date_form_and_refuses_bare_numbers(consumer, publish, parameter):
    publish(slug="a")
    url = ARTICLES if parameter == "modified_since" else reverse("api:removed_list")
    for value in ("2026-01-01T00:00:00+16:00", "2026-01-01T00:00:00-18:00", "20260101", "2026-01-01"):
        answer = consumer.get(url, {parameter: value})
        assert answer.status_code == 200, (value, answer.content)
    for value in ("1767225600", "20260101000", "yesterday", "0.5", "1e9", "-5"):
        answer = consumer.get(url, {parameter: value})
        assert answer.status_code == 422 and answer["Content-Type"].startswith("application/json"), value


def test_the_basic_date_form_means_that_day_not_seconds_since_1970(consumer, publish, now):
    publish(slug="a")
    assert consumer.get(ARTICLES, {"modified_since": "20260101"}).json()["results"] != []
    later = (now + datetime.timedelta(days=2)).strftime("%Y%m%d")
    assert consumer.get(ARTICLES, {"modified_since": later}).json()["results"] == []


def test_a_nul_byte_is_refused_in_json_as_the_schema_says(consumer):
    response = consumer.get("/api/v1/articles/?cursor=%00")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert "NUL byte" in response.json()["detail"]
