"""Every sentence a reader sees about health or credentials is signed off.

Supporting text (cause, cause-group and topic descriptions; people's names, credentials,
bios and links) changes through a proposal a medical reviewer approves; people, causes
and topics are public only once a live article names them; review intervals are a
reviewer's change, bounded and in the timeline."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from articles import lifecycle, supporting_text, workflow
from articles.models import Article, ArticleEvent, AuditEntry, Person
from taxonomy.models import Cause, CauseGroup, Topic


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def page_cache_on(settings, django_capture_on_commit_callbacks):
    settings.SPASMINFO_PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


def cause_form(cause: Cause, **changes) -> dict:
    return {
        "name": cause.name,
        "slug": cause.slug,
        "group": cause.group_id,
        "description": cause.description,
        **changes,
    }


def test_an_edited_cause_description_reaches_readers_only_when_a_reviewer_signs_it_off(
    publish, cause, editor, reviewer, page_cache_on, django_capture_on_commit_callbacks
):
    Cause.objects.filter(pk=cause.pk).update(description="Losing more fluid than you take in.")
    with django_capture_on_commit_callbacks(execute=True):
        publish()
    page = reverse("taxonomy:cause_detail", kwargs={"slug": cause.slug})
    assert "Losing more fluid" in Client().get(page).content.decode()  # now cached

    with django_capture_on_commit_callbacks(execute=True):
        signed_in(editor).post(
            reverse("admin:taxonomy_cause_change", args=[cause.pk]),
            cause_form(cause, description="Dehydration causes every cramp."),
        )
    cause.refresh_from_db()
    assert cause.description == "Losing more fluid than you take in."
    assert cause.pending_text == {"description": "Dehydration causes every cramp."}
    for url in [page, reverse("taxonomy:cause_index"), reverse("articles:home")]:
        assert "every cramp" not in Client().get(url).content.decode(), url

    # The reviewer sees the pending change and its diff, and signs it off.
    change_page = signed_in(reviewer).get(reverse("admin:taxonomy_cause_change", args=[cause.pk])).content.decode()
    assert "<del>" in change_page and "<ins>" in change_page and "Review proposed text" in change_page
    review_url = reverse("admin:taxonomy_cause_review_text", args=[cause.pk])
    assert "Sign off this text" in signed_in(reviewer).get(review_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(reviewer).post(review_url, {"fingerprint": cause.text_fingerprint()})
    cause.refresh_from_db()
    assert cause.description == "Dehydration causes every cramp." and not cause.has_pending_text

    # The cached page is not served stale: the next request shows the signed-off text.
    response = Client().get(page)
    assert "every cramp" in response.content.decode()
    entry = AuditEntry.objects.get(kind="text_approved")
    assert (entry.before, entry.after, entry.username, entry.person) == (
        {"description": "Losing more fluid than you take in."},
        {"description": "Dehydration causes every cramp."},
        "reviewer",
        reviewer.person,
    )


@pytest.mark.parametrize("model", ["person", "topic", "causegroup"])
def test_every_kind_of_supporting_text_is_kept_as_a_proposal(model, editor, writer, topic, cause):
    obj, url, data, field = {
        "person": (
            writer,
            reverse("admin:articles_person_change", args=[writer.pk]),
            {
                "name": "Cara Lind",
                "slug": "cara-lind",
                "credentials": "MD, PhD",
                "bio": "A surgeon.",
                "profile_url": "",
            },
            "credentials",
        ),
        "topic": (
            topic,
            reverse("admin:taxonomy_topic_change", args=[topic.pk]),
            {"name": topic.name, "slug": topic.slug, "description": "Cures for everything."},
            "description",
        ),
        "causegroup": (
            cause.group,
            reverse("admin:taxonomy_causegroup_change", args=[cause.group_id]),
            {"name": cause.group.name, "slug": cause.group.slug, "description": "Always harmless.", "position": 0},
            "description",
        ),
    }[model]
    before = getattr(obj, field)
    signed_in(editor).post(url, data)
    obj.refresh_from_db()
    assert getattr(obj, field) == before
    assert obj.pending_text[field] == data[field]
    assert obj.pending_by == editor
    # The form opens on the proposal, so the editor keeps working on it.
    assert data[field] in signed_in(editor).get(url).content.decode()


def test_a_new_persons_bio_waits_for_sign_off_but_their_name_is_set(editor):
    signed_in(editor).post(
        reverse("admin:articles_person_add"),
        {"name": "Ivo Novak", "slug": "ivo-novak", "credentials": "RN", "bio": "Nurse.", "profile_url": ""},
    )
    person = Person.objects.get(slug="ivo-novak")
    assert (person.name, person.credentials, person.bio) == ("Ivo Novak", "", "")
    assert person.pending_text == {"credentials": "RN", "bio": "Nurse."}


def propose(obj, values, user):
    supporting_text.propose_text(obj=obj, values=values, user=user)
    obj.save()
    return obj


def test_nobody_signs_off_their_own_proposal_or_text_about_themselves(editor, reviewer, author_reviewer, writer):
    propose(writer, {"bio": "Writes."}, reviewer)
    with pytest.raises(supporting_text.TextReviewError, match="Your account proposed or changed this text"):
        supporting_text.approve_text(obj=writer, user=reviewer, seen_fingerprint=writer.text_fingerprint())
    own = propose(reviewer.person, {"credentials": "MD, PhD, FRCP"}, editor)
    with pytest.raises(supporting_text.TextReviewError, match="is the person this text describes"):
        supporting_text.approve_text(obj=own, user=reviewer, seen_fingerprint=own.text_fingerprint())
    with pytest.raises(supporting_text.TextReviewError, match="only medical reviewers do"):
        supporting_text.approve_text(obj=own, user=editor, seen_fingerprint=own.text_fingerprint())
    # Another reviewer may, exactly the text they saw.
    seen = own.text_fingerprint()
    propose(Person.objects.get(pk=own.pk), {"credentials": "MD, PhD, FRCP, Nobel laureate"}, editor)
    with pytest.raises(supporting_text.TextReviewError, match="changed while you were reading"):
        supporting_text.approve_text(obj=own, user=author_reviewer, seen_fingerprint=seen)
    own = Person.objects.get(pk=own.pk)
    supporting_text.approve_text(obj=own, user=author_reviewer, seen_fingerprint=own.text_fingerprint())
    assert Person.objects.get(pk=own.pk).credentials == "MD, PhD, FRCP, Nobel laureate"
    assert not AuditEntry.objects.filter(person=reviewer.person).exists()


def test_people_causes_and_topics_are_public_only_once_a_live_article_names_them(
    draft_factory, submit, approve, reader, cause, topic, writer
):
    draft = draft_factory()
    pages = [
        reverse("articles:person_detail", kwargs={"slug": writer.slug}),
        reverse("taxonomy:cause_detail", kwargs={"slug": cause.slug}),
        reverse("taxonomy:topic_detail", kwargs={"slug": topic.slug}),
    ]
    lists = [reverse("articles:home"), reverse("taxonomy:cause_index"), reverse("sitemap")]
    assert [reader.get(url).status_code for url in pages] == [404, 404, 404]
    for url in lists:
        body = reader.get(url).content.decode()
        assert cause.name not in body and topic.name not in body and writer.slug not in body, url
    assert not reader.get(reverse("articles:search"), {"q": "dehydration"}).context["suggested_causes"]
    for model in (Person, Cause, Topic):
        assert not model.objects.public().exists()
    assert not CauseGroup.objects.public().exists()

    submit(draft)
    approve(draft)
    assert [reader.get(url).status_code for url in pages] == [200, 200, 200]
    assert cause.name in reader.get(reverse("taxonomy:cause_index")).content.decode()
    assert writer.slug in reader.get(reverse("sitemap")).content.decode()


def test_the_review_interval_is_a_reviewers_change_bounded_and_in_the_timeline(publish, editor, reviewer, topic):
    article = publish()
    url = reverse("admin:articles_article_review_interval", args=[article.pk])
    assert signed_in(editor).post(url, {"months": 600}).status_code == 403
    assert signed_in(reviewer).post(url, {"months": 600}).status_code == 400
    with pytest.raises(workflow.WorkflowError, match="1 to 36 months"):
        lifecycle.set_review_interval(target=article, months=600, user=reviewer)
    assert Article.objects.get(pk=article.pk).review_interval_months is None

    due_before = Article.objects.get(pk=article.pk).next_review_due
    signed_in(reviewer).post(url, {"months": 3})
    article.refresh_from_db()
    assert article.review_interval_months == 3 and article.next_review_due < due_before
    event = article.events.get(kind=ArticleEvent.Kind.INTERVAL_CHANGED)
    assert event.user == reviewer and "default → 3 months" in event.comment

    other = publish(slug="other", title="Other")
    lifecycle.set_review_interval(target=topic, months=24, user=reviewer)
    assert Article.objects.get(pk=other.pk).review_interval == 24
    assert other.events.filter(kind="interval_changed", comment__contains="topic").exists()
    assert not article.events.filter(kind="interval_changed", comment__contains="topic").exists()  # has its own


def test_the_database_refuses_intervals_outside_1_to_36_months(publish):
    from django.db import IntegrityError, transaction

    article = publish()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(review_interval_months=600)
