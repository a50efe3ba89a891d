"""Concurrent decisions through real HTTP requests on PostgreSQL: exactly one outcome wins,
the loser gets a clear message, and no approval points at content other than what was shown."""

import html
import re
import threading

import pytest

from articles.models import Article, ArticleVersion, Review
from tests.http_client import SignedInClient

pytestmark = pytest.mark.django_db(transaction=True)

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
