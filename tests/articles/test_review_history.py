"""Public review history: every sign-off and re-review of an article, newest first, with the editor's
"what changed" note, which is required from the second version on and signed off with the text."""

import json

import pytest
import time_machine

from articles import services, workflow
from articles.models import Article

pytestmark = pytest.mark.django_db


def page(reader, article):
    return reader.get(article.get_absolute_url()).content.decode()


def json_ld(html):
    return json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])


@pytest.fixture
def looked_after(publish, editor, reviewer, author_reviewer, approve):
    """First published in January, re-reviewed in March, changed (with a note) in June."""
    with time_machine.travel("2026-01-10 10:00Z"):
        article = publish(slug="cramps", title="Cramps")
    with time_machine.travel("2026-03-10 10:00Z"):
        services.re_review_live_version(
            article=article, reviewer=author_reviewer.person, user=author_reviewer,
            seen_fingerprint=article.live_version.compute_fingerprint(),
        )  # fmt: skip
    with time_machine.travel("2026-06-10 10:00Z"):
        draft = services.start_draft(article=article, user=editor)
        draft.body = "Cramps are common; stretching helps [@1]."
        draft.change_note = "Added advice on stretching."
        draft.save()
        services.submit_version(version=draft, user=editor)
        approve(draft)
    return Article.objects.get(pk=article.pk)


def test_the_page_lists_every_review_newest_first_with_reviewer_change_and_note(reader, looked_after):
    html = page(reader, looked_after)
    section = html.split('<section class="review-history"')[1].split("</section>")[0]
    items = section.split("<li>")[1:]
    assert [item.split("</time>")[0].split(">")[-1] for item in items] == [
        "10 June 2026",
        "10 March 2026",
        "10 January 2026",
    ]
    assert "text updated, medically reviewed by Ana Rivera, MD, FACEP." in items[0]
    assert "What changed: Added advice on stretching." in items[0]
    assert (
        "re-reviewed, no changes, medically reviewed by Ben Okoro, MD, FAAN." in items[1]
        and "What changed" not in items[1]
    )
    assert "first published" in items[2]


def test_json_ld_has_the_history_and_still_names_the_latest_review(reader, looked_after):
    data = json_ld(page(reader, looked_after))
    assert data["lastReviewed"] == "2026-06-10" and data["reviewedBy"]["name"] == "Ana Rivera"
    assert [(r["datePublished"], r["name"], r.get("reviewBody")) for r in data["review"]] == [
        ("2026-06-10", "Text updated", "Added advice on stretching."),
        ("2026-03-10", "Re-reviewed, no changes", None),
        ("2026-01-10", "First published", None),
    ]
    assert data["review"][1]["author"] == {"@type": "Person", "name": "Ben Okoro", "honorificSuffix": "MD, FAAN"}


def test_a_second_version_cannot_be_submitted_without_saying_what_changed(publish, editor):
    article = publish()
    draft = services.start_draft(article=article, user=editor)
    draft.body = "Changed [@1]."
    draft.save()
    with pytest.raises(workflow.IncompleteVersion, match="say what changed"):
        services.submit_version(version=draft, user=editor)
    draft.change_note = "Shorter."
    draft.save()
    assert services.submit_version(version=draft, user=editor).status == "submitted"


def test_the_first_version_needs_no_note(draft_factory, editor):
    assert services.submit_version(version=draft_factory(), user=editor).status == "submitted"


def test_the_note_is_part_of_the_signed_version(publish, editor, submit):
    article = publish()
    draft = services.start_draft(article=article, user=editor)
    draft.change_note = "First wording."
    draft.save()
    submit(draft)
    fingerprint = draft.compute_fingerprint()
    draft.refresh_from_db()
    assert draft.submitted_fingerprint == fingerprint
    draft.change_note = "Other wording."  # changing the note after submission is a change of the version
    draft.save()
    with pytest.raises(workflow.StaleVersion):
        services.approve_version(
            version=draft, reviewer=article.last_reviewed_by, seen_fingerprint=fingerprint, user=workflow.SYSTEM
        )


def test_a_signed_off_note_cannot_be_changed_even_in_the_database(looked_after):
    from django.db import connection, transaction

    from articles.models import ArticleVersion, ImmutableVersionError

    with pytest.raises(ImmutableVersionError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_articleversion SET change_note = 'rewritten' WHERE id = %s",
            [looked_after.live_version_id],
        )
    assert ArticleVersion.objects.get(pk=looked_after.live_version_id).change_note == "Added advice on stretching."


def test_a_version_scheduled_for_later_is_not_history_yet(reader, publish, editor, reviewer, submit):
    article = publish()
    draft = services.start_draft(article=article, user=editor)
    draft.change_note = "Coming next week."
    draft.save()
    submit(draft)
    draft.refresh_from_db()
    import datetime

    from django.utils import timezone

    services.approve_version(
        version=draft, reviewer=reviewer.person, seen_fingerprint=draft.submitted_fingerprint, user=reviewer,
        go_live_at=timezone.now() + datetime.timedelta(days=7),
    )  # fmt: skip
    html = page(reader, article)
    assert "Coming next week." not in html and "first published" in html


def test_a_new_draft_starts_with_no_note(looked_after, editor):
    assert services.start_draft(article=looked_after, user=editor).change_note == ""
