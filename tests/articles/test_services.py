"""The editorial workflow in articles.services: who may do what, and when; a draft started from
an earlier signed-off version (roll back); and decisions taken at the same moment, of which
exactly one wins."""

import html
import re
import threading

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from articles import lifecycle, services, workflow
from articles.models import Article, ArticleEvent, ArticleVersion, Review
from articles.models.history import AppendOnlyError
from tests.http_client import SignedInClient

Status = ArticleVersion.Status


def test_submitting_fingerprints_the_version(draft_factory, submit):
    version = submit(draft_factory())
    assert version.status == Status.SUBMITTED
    assert version.submitted_fingerprint == version.compute_fingerprint()


def test_an_incomplete_draft_cannot_be_submitted(draft_factory, editor):
    version = draft_factory(body="Cites a missing source [@4].")
    version.author_links.all().delete()
    with pytest.raises(workflow.IncompleteVersion) as caught:
        services.submit_version(version=version, user=editor)
    assert "at least one author" in str(caught.value)
    assert "[4]" in str(caught.value)
    assert ArticleVersion.objects.get(pk=version.pk).status == Status.DRAFT


def test_approval_records_who_when_and_what_and_makes_the_version_live(draft_factory, submit, approve, reviewer):
    version = submit(draft_factory())
    review = approve(version)
    article = Article.objects.get(pk=version.article_id)
    assert article.live_version_id == version.pk
    assert review.reviewer == reviewer.person
    assert review.user == reviewer
    assert review.fingerprint == version.submitted_fingerprint
    assert article.last_reviewed_at == review.created_at
    assert article.last_reviewed_by == reviewer.person
    assert article.next_review_due is not None


def test_an_editor_cannot_approve(draft_factory, submit, editor, reviewer):
    version = submit(draft_factory())
    with pytest.raises(workflow.NotAllowed):
        services.approve_version(
            version=version, reviewer=reviewer.person, seen_fingerprint=version.submitted_fingerprint, user=editor
        )
    assert not Review.objects.exists()


def test_a_reviewer_cannot_approve_a_version_they_authored(draft_factory, submit, author_reviewer):
    version = submit(draft_factory(author=author_reviewer.person))
    with pytest.raises(workflow.NotAllowed, match="author"):
        services.approve_version(
            version=version,
            reviewer=author_reviewer.person,
            seen_fingerprint=version.submitted_fingerprint,
            user=author_reviewer,
        )
    assert ArticleVersion.objects.get(pk=version.pk).status == Status.SUBMITTED


def test_another_reviewer_can_approve_what_a_reviewer_authored(draft_factory, submit, approve, author_reviewer):
    version = submit(draft_factory(author=author_reviewer.person))
    approve(version)
    assert ArticleVersion.objects.get(pk=version.pk).status == Status.APPROVED


def test_a_version_changed_after_submission_cannot_be_approved(draft_factory, submit, reviewer):
    version = submit(draft_factory())
    reference = version.references.get()
    reference.title = "Quietly changed after submission"
    reference.save()
    with pytest.raises(workflow.StaleVersion, match="changed after it was submitted"):
        services.approve_version(
            version=version, reviewer=reviewer.person, seen_fingerprint=version.compute_fingerprint(), user=reviewer
        )
    assert Article.objects.get(pk=version.article_id).live_version is None


def test_approval_is_refused_when_the_reviewer_saw_other_content(draft_factory, submit, reviewer, editor):
    version = submit(draft_factory())
    seen = version.submitted_fingerprint
    services.withdraw_version(version=version, user=editor)
    version.refresh_from_db()
    version.body = "Rewritten while the reviewer was reading."
    version.save()
    submit(version)
    with pytest.raises(workflow.StaleVersion, match="changed while you were reading"):
        services.approve_version(version=version, reviewer=reviewer.person, seen_fingerprint=seen, user=reviewer)


def test_sending_back_needs_a_comment_and_keeps_it(draft_factory, submit, reviewer):
    version = submit(draft_factory())
    with pytest.raises(workflow.WorkflowError, match="comment is required"):
        services.send_back_version(version=version, reviewer=reviewer.person, comment="  ", user=reviewer)
    services.send_back_version(version=version, reviewer=reviewer.person, comment="Cite a guideline.", user=reviewer)
    version.refresh_from_db()
    assert version.status == Status.SENT_BACK
    assert version.reviews.get().comment == "Cite a guideline."


def test_a_sent_back_version_can_be_revised_and_resubmitted(draft_factory, submit, approve, reviewer):
    version = submit(draft_factory())
    services.send_back_version(version=version, reviewer=reviewer.person, comment="Shorter, please.", user=reviewer)
    version.refresh_from_db()
    version.body = "Shorter now [@1]."
    version.save()
    submit(version)
    approve(version)
    assert Article.objects.get(pk=version.article_id).live_version.body == "Shorter now [@1]."


def test_editing_a_live_article_starts_a_draft_copied_from_the_live_version(publish, editor, library_source):
    article = publish(body="Cramps are common [@miller2005].")
    live = article.live_version
    draft = services.start_draft(article=article, user=editor)
    assert draft.pk != live.pk
    assert draft.number == live.number + 1
    assert draft.status == Status.DRAFT
    assert draft.based_on == live
    assert draft.compute_fingerprint() == live.compute_fingerprint()
    assert services.start_draft(article=article, user=editor) == draft  # one open version at a time


def test_readers_keep_the_live_version_until_the_new_one_is_signed_off(publish, editor, submit, approve, reader):
    article = publish(body="The original text [@1].")
    draft = services.start_draft(article=article, user=editor)
    draft.body = "The revised text [@1]."
    draft.save()
    submit(draft)
    page = reader.get(article.get_absolute_url()).content.decode()
    assert "The original text" in page and "The revised text" not in page

    approve(draft)
    page = reader.get(article.get_absolute_url()).content.decode()
    assert "The revised text" in page and "The original text" not in page


def test_only_one_open_version_per_article_is_possible(publish, editor):
    article = publish()
    services.start_draft(article=article, user=editor)
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleVersion.objects.create(article=article, number=99, title="A second open draft")


def test_a_reviewer_cannot_start_a_draft(publish, reviewer):
    with pytest.raises(workflow.NotAllowed):
        services.start_draft(article=publish(), user=reviewer)


def test_review_records_are_append_only(publish):
    review = publish().live_version.reviews.get()
    review.comment = "rewritten history"
    with pytest.raises(AppendOnlyError, match="cannot be changed"):
        review.save()
    with pytest.raises(AppendOnlyError, match="cannot be deleted"):
        review.delete()


def _steps(draft, submitted, live, reviewer):
    """Every workflow step, called with user=None (nobody)."""
    person = reviewer.person
    return {
        "create_article": lambda: services.create_article(
            article=Article(slug="nobody", topic=draft.article.topic), title="Nobody", user=None
        ),
        "start_draft": lambda: services.start_draft(article=live, user=None),
        "submit_version": lambda: services.submit_version(version=draft, user=None),
        "withdraw_version": lambda: services.withdraw_version(version=submitted, user=None),
        "approve_version": lambda: services.approve_version(
            version=submitted, reviewer=person, seen_fingerprint=submitted.submitted_fingerprint, user=None
        ),
        "send_back_version": lambda: services.send_back_version(
            version=submitted, reviewer=person, comment="No.", user=None
        ),
        "re_review_live_version": lambda: services.re_review_live_version(
            article=live, reviewer=person, seen_fingerprint=live.live_version.compute_fingerprint(), user=None
        ),
        "archive_article": lambda: lifecycle.archive_article(article=live, user=None),
        "schedule_archive": lambda: lifecycle.schedule_archive(article=live, archive_at=None, user=None),
        "restore_article": lambda: lifecycle.restore_article(article=live, user=None),
        "assign_reviewer": lambda: lifecycle.assign_reviewer(article=live, reviewer=None, user=None),
    }


STEPS = [
    "create_article",
    "start_draft",
    "submit_version",
    "withdraw_version",
    "approve_version",
    "send_back_version",
    "re_review_live_version",
    "archive_article",
    "schedule_archive",
    "restore_article",
    "assign_reviewer",
]


@pytest.mark.parametrize("step", STEPS)
def test_a_step_taken_by_nobody_is_refused_and_changes_nothing(step, publish, draft_factory, submit, reviewer):
    live = publish(slug="live-one")
    submitted = submit(draft_factory(slug="submitted-one"))
    draft = draft_factory(slug="draft-one")
    events = live.events.count() + submitted.article.events.count() + draft.article.events.count()
    with pytest.raises(workflow.NotAllowed, match="Nobody may"):
        _steps(draft, submitted, live, reviewer)[step]()
    assert live.events.count() + submitted.article.events.count() + draft.article.events.count() == events
    assert Review.objects.count() == 1  # live's sign-off only


def test_the_system_acts_with_every_permission_and_is_recorded_as_no_account(publish, writer, topic, cause):
    version = services.create_article(
        article=Article(slug="imported", topic=topic), title="Imported", summary="From a file.", user=workflow.SYSTEM
    )
    assert version.created_by is None and version.article.created_by is None
    live = publish(slug="live-one")
    lifecycle.archive_article(article=live, user=workflow.SYSTEM)
    event = live.events.latest("created_at")
    assert event.kind == "archived" and event.user is None


# --- rolling back: a draft started from an earlier signed-off version -------------------------------


def test_a_draft_started_from_an_earlier_version_copies_it_and_readers_keep_the_live_one(two_versions, editor):
    article, v1, v2 = two_versions
    draft = services.start_draft(article=article, user=editor, from_version=v1)
    assert (draft.number, draft.based_on, draft.status) == (3, v1, "draft")
    assert draft.body.startswith("Rest helps [@") and draft.references.count() == 1  # cited by key from now on
    assert list(draft.author_links.values_list("person_id", flat=True)) == list(
        v1.author_links.values_list("person_id", flat=True)
    )
    assert "rollback" in article.events.filter(kind=ArticleEvent.Kind.CREATED, version=draft).get().comment
    article.refresh_from_db()
    assert article.live_version == v2
    assert "Stretch helps" in Client().get("/articles/cramps/").content.decode()


def test_the_rolled_back_draft_goes_through_review_like_any_draft(two_versions, editor, submit, approve):
    article, v1, _ = two_versions
    draft = services.start_draft(article=article, user=editor, from_version=v1)
    approve(submit(draft))
    assert "Rest helps" in Client().get("/articles/cramps/").content.decode()


def test_a_rollback_is_refused_while_another_version_is_open(two_versions, editor):
    article, v1, _ = two_versions
    open_draft = services.start_draft(article=article, user=editor)
    with pytest.raises(workflow.WorkflowError, match=f"Version {open_draft.number} is open"):
        services.start_draft(article=article, user=editor, from_version=v1)


def test_only_a_signed_off_version_of_the_same_article_can_be_rolled_back_to(two_versions, editor, draft_factory):
    article, _, _ = two_versions
    other = draft_factory(slug="other")
    with pytest.raises(workflow.WorkflowError, match="signed-off version of the same article"):
        services.start_draft(article=article, user=editor, from_version=other)


# --- concurrent decisions ---------------------------------------------------------------------------

# Through real HTTP requests on PostgreSQL: exactly one outcome wins, the loser gets a clear message,
# and no approval points at content other than what was shown.

ROUNDS = 5


def fingerprint_on(page: str) -> str:
    return re.search(r'name="fingerprint" value="([0-9a-f]{64})"', page).group(1)


def at_once(*actions):
    """Run the actions in threads released together; return their results in order."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        barrier.wait()
        results[index] = action()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def outcome(result) -> str:
    status, page = result
    messages = re.findall(r'<li class="(success|error)">(.*?)</li>', page, re.S)
    return messages[-1][0] if messages else f"status {status}"


@pytest.fixture
def people(live_server, editorial_groups, editor, reviewer, author_reviewer):
    """author_reviewer is the second reviewer here: same group, and not an author of these drafts."""
    return {
        "editor": SignedInClient(live_server.url, "editor"),
        "one": SignedInClient(live_server.url, "reviewer"),
        "two": SignedInClient(live_server.url, "author_reviewer"),
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_two_reviewers_signing_off_at_once_give_exactly_one_approval(round_number, people, draft_factory, submit):
    version = submit(draft_factory(slug=f"race-{round_number}"))
    path = f"/admin/articles/articleversion/{version.pk}/review/"
    page_one, page_two = people["one"].page(path), people["two"].page(path)
    results = at_once(
        lambda: people["one"].post(path, {"decision": "approve", "fingerprint": fingerprint_on(page_one)}, page_one),
        lambda: people["two"].post(path, {"decision": "approve", "fingerprint": fingerprint_on(page_two)}, page_two),
    )
    assert sorted(outcome(r) for r in results) == ["error", "success"]
    loser = next(r for r in results if outcome(r) == "error")
    assert "Only a version awaiting review can be signed off" in html.unescape(loser[1])
    assert Review.objects.filter(version=version, outcome="approved").count() == 1
    assert Article.objects.get(pk=version.article_id).live_version_id == version.pk


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_sign_off_and_send_back_at_once_leave_one_decision(round_number, people, draft_factory, submit):
    version = submit(draft_factory(slug=f"split-{round_number}"))
    path = f"/admin/articles/articleversion/{version.pk}/review/"
    page_one, page_two = people["one"].page(path), people["two"].page(path)
    results = at_once(
        lambda: people["one"].post(path, {"decision": "approve", "fingerprint": fingerprint_on(page_one)}, page_one),
        lambda: people["two"].post(
            path, {"decision": "send_back", "comment": "Not yet.", "fingerprint": fingerprint_on(page_two)}, page_two
        ),
    )
    assert sorted(outcome(r) for r in results) == ["error", "success"]
    version.refresh_from_db()
    assert Review.objects.filter(version=version).count() == 1
    assert version.status == Review.objects.get(version=version).outcome  # approved/approved or sent_back/sent_back


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_an_editor_withdrawing_while_a_reviewer_signs_off_never_approves_unseen_content(
    round_number, people, draft_factory, submit, editor
):
    version = submit(draft_factory(slug=f"withdraw-{round_number}"))
    review_path = f"/admin/articles/articleversion/{version.pk}/review/"
    change_path = f"/admin/articles/articleversion/{version.pk}/change/"
    review_page, change_page = people["one"].page(review_path), people["editor"].page(change_path)
    shown = fingerprint_on(review_page)
    at_once(
        lambda: people["one"].post(review_path, {"decision": "approve", "fingerprint": shown}, review_page),
        lambda: people["editor"].post(f"/admin/articles/articleversion/{version.pk}/withdraw/", {}, change_page),
    )
    version.refresh_from_db()
    if version.status == ArticleVersion.Status.DRAFT:  # the withdrawal won: the editor changes the text
        version.body = "Changed after withdrawal [@1]."
        version.save()
        version = submit(version)
        status, page = people["one"].post(review_path, {"decision": "approve", "fingerprint": shown}, review_page)
        assert status == 409 and "changed while you were reading" in html.unescape(page)
        assert not Review.objects.filter(version=version).exists()
    else:  # the approval won: what was signed is what was shown
        assert version.status == ArticleVersion.Status.APPROVED
        assert Review.objects.get(version=version).fingerprint == shown == version.compute_fingerprint()


def version_form(page: str, body: str) -> dict:
    """The version form as posted from `page`: its revision, the text fields, inline rows left as they are."""
    fields = {"revision_seen": re.search(r'name="revision_seen" value="(\d+)"', page).group(1), "_continue": "1"}
    for name in ("title", "summary", "image_credits"):
        match = re.search(
            rf'<(?:input|textarea)[^>]*name="{name}"[^>]*?(?:value="([^"]*)"[^>]*>|>\n?(.*?)</textarea>)', page, re.S
        )
        fields[name] = html.unescape(match.group(1) or match.group(2) or "")
    fields["body"] = body
    for prefix in ("author_links", "cause_links", "references", "faq_entries"):
        fields.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
    return fields


@pytest.fixture
def two_editors(live_server, editorial_groups, editor, second_editor):
    return SignedInClient(live_server.url, "editor"), SignedInClient(live_server.url, "second_editor")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_two_editors_saving_the_same_draft_at_once_lose_nothing_silently(round_number, two_editors, draft_factory):
    draft = draft_factory(slug=f"shared-{round_number}")
    path = f"/admin/articles/articleversion/{draft.pk}/change/"
    first, second = two_editors
    page_one, page_two = first.page(path), second.page(path)
    form_one = version_form(page_one, "First editor's text [@1].")
    form_two = version_form(page_two, "Second editor's text [@1].")
    results = at_once(lambda: first.post(path, form_one, page_one), lambda: second.post(path, form_two, page_two))

    saved_body = ArticleVersion.objects.get(pk=draft.pk).body
    conflicts = [page for _, page in results if "Someone else saved this version" in page]
    assert len(conflicts) == 1, "exactly one save wins, the other is told"
    loser_text = "Second editor" if saved_body.startswith("First") else "First editor"
    assert loser_text in html.unescape(conflicts[0])  # the losing text is handed back, not dropped
