"""Classification is reviewed content: renaming a cause, a cause group or a topic, moving a cause
to another group, or refiling a published article under another topic changes nothing a reader
sees (pages, JSON-LD, search, sitemap, API) until a medical reviewer signs it off; declining it
leaves readers with the signed-off names."""

import pytest
from django.test import Client
from django.urls import reverse

from api.models import ApiKey
from articles import supporting_text
from articles.models import ArticleEvent, AuditEntry
from taxonomy.models import Cause, CauseGroup, Topic


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def partner(db) -> Client:
    key = ApiKey(name="Partner clinic", requests_per_minute=1000)
    raw = key.issue()
    key.save()
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def everything_a_reader_sees(article, cause, partner) -> str:
    """The article page (with its JSON-LD), the cause and topic pages and indexes, search, the
    sitemap, the feed and the API's article, cause and topic records, as one text."""
    urls = [
        article.get_absolute_url(),
        reverse("taxonomy:cause_index"),
        reverse("taxonomy:cause_detail", kwargs={"slug": cause.slug}),
        reverse("taxonomy:topic_index"),
        reverse("taxonomy:topic_detail", kwargs={"slug": article.topic.slug}),
        reverse("articles:home"),
        reverse("articles:search") + "?q=cramps",
    ]
    pages = [Client().get(url) for url in urls]
    assert [page.status_code for page in pages] == [200] * len(urls)
    api = [
        partner.get(f"/api/v1/articles/{article.slug}/"),
        partner.get(f"/api/v1/causes/{cause.slug}/"),
        partner.get(f"/api/v1/topics/{article.topic.slug}/"),
    ]
    assert [response.status_code for response in api] == [200, 200, 200]
    return "\n".join(response.content.decode() for response in [*pages, *api])


def cause_form(cause, **changes) -> dict:
    return {
        "name": cause.name,
        "slug": cause.slug,
        "group": cause.group_id,
        "description": cause.description,
        **changes,
    }


RENAMES = {
    "cause name": lambda cause, other_group: (
        cause,
        reverse("admin:taxonomy_cause_change", args=[cause.pk]),
        cause_form(cause, name="Dehydration RENAMED"),
        "Dehydration RENAMED",
    ),
    "cause group name": lambda cause, other_group: (
        cause.group,
        reverse("admin:taxonomy_causegroup_change", args=[cause.group_id]),
        {"name": "Common causes RENAMED", "slug": cause.group.slug, "description": "", "position": 0},
        "Common causes RENAMED",
    ),
    "cause moved to another group": lambda cause, other_group: (
        cause,
        reverse("admin:taxonomy_cause_change", args=[cause.pk]),
        cause_form(cause, group=other_group.pk),
        "Rare causes",
    ),
    "topic name": lambda cause, other_group: (
        Topic.objects.get(),
        reverse("admin:taxonomy_topic_change", args=[Topic.objects.get().pk]),
        {"name": "Bones RENAMED", "slug": Topic.objects.get().slug, "description": ""},
        "Bones RENAMED",
    ),
}


@pytest.mark.parametrize("change", sorted(RENAMES))
def test_a_taxonomy_change_reaches_readers_only_once_a_reviewer_signs_it_off(
    change, publish, cause, editor, reviewer, partner
):
    article = publish()
    other_group = CauseGroup.objects.create(name="Rare causes", slug="rare-causes", position=9)
    obj, url, form, new_name = RENAMES[change](cause, other_group)
    response = signed_in(editor).post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert new_name not in everything_a_reader_sees(article, cause, partner)

    obj.refresh_from_db()
    assert obj.has_pending_text
    review = reverse(f"admin:taxonomy_{obj._meta.model_name}_review_text", args=[obj.pk])
    shown = signed_in(reviewer).get(review).content.decode()  # a word diff of the signed-off and the proposed
    assert all(word in shown for word in new_name.split())
    response = signed_in(reviewer).post(review, {"fingerprint": obj.text_fingerprint(), "decision": "approve"})
    assert response.status_code == 302
    assert new_name in everything_a_reader_sees(article, cause, partner)


def test_a_declined_rename_leaves_readers_with_the_signed_off_name(publish, cause, editor, reviewer, partner):
    article = publish()
    signed_in(editor).post(
        reverse("admin:taxonomy_cause_change", args=[cause.pk]), cause_form(cause, name="Dehydration RENAMED")
    )
    cause.refresh_from_db()
    with pytest.raises(supporting_text.TextReviewError, match="a comment is required"):
        supporting_text.decline_text(obj=cause, user=reviewer, seen_fingerprint=cause.text_fingerprint(), comment=" ")
    supporting_text.decline_text(
        obj=cause, user=reviewer, seen_fingerprint=cause.text_fingerprint(), comment="Readers know it as dehydration."
    )
    cause.refresh_from_db()
    assert not cause.has_pending_text and cause.name == "Dehydration"
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.TEXT_DECLINED)
    assert entry.before == {"name": "Dehydration RENAMED"} and "Readers know it" in entry.comment
    assert "RENAMED" not in everything_a_reader_sees(article, cause, partner)


def test_refiling_a_published_article_waits_for_sign_off_and_goes_on_the_timeline(publish, editor, reviewer, partner):
    article = publish()
    nerves = Topic.objects.create(name="Nerves", slug="nerves")
    change = reverse("admin:articles_article_change", args=[article.pk])
    page = signed_in(editor).get(change)
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        topic=nerves.pk,
        **{"versions-TOTAL_FORMS": 0, "versions-INITIAL_FORMS": 0, "versions-MIN_NUM_FORMS": 0},
    )
    response = signed_in(editor).post(change, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.topic.name == "Bones, Joints and Muscles" and article.pending_text == {"topic": nerves.pk}
    assert "Nerves" not in Client().get(article.get_absolute_url()).content.decode()

    supporting_text.approve_text(obj=article, user=reviewer, seen_fingerprint=article.text_fingerprint())
    article.refresh_from_db()
    assert article.topic == nerves
    assert "Nerves" in Client().get(article.get_absolute_url()).content.decode()
    event = article.events.get(kind=ArticleEvent.Kind.FILING_CHANGED)
    assert event.user == reviewer and "Topic: Nerves." in event.comment


def test_an_unpublished_article_is_refiled_at_once(draft_factory, editor):
    article = draft_factory().article
    nerves = Topic.objects.create(name="Nerves", slug="nerves")
    article.propose_text({"topic": nerves.pk}, user=editor, at=None)
    assert not article.needs_review()


def test_a_new_cause_is_named_at_once_and_its_first_article_sign_off_covers_the_name(editor, draft_factory):
    group = CauseGroup.objects.create(name="Rare causes", slug="rare-causes")
    signed_in(editor).post(
        reverse("admin:taxonomy_cause_add"),
        {"name": "Heat illness", "slug": "heat-illness", "group": group.pk, "description": "Too hot."},
    )
    cause = Cause.objects.get(slug="heat-illness")
    assert cause.name == "Heat illness" and cause.group == group
    assert cause.pending_text == {"description": "Too hot."}  # descriptions are always reviewed
    draft = draft_factory()
    draft.cause_links.create(tag=cause)
    assert ["Heat illness" in str(part) for part in draft.review_snapshot()["causes"]].count(True) == 1
