"""Expert preview links: a signed, expiring, revocable address of one version's reader page.

Every link that does not work is the site's ordinary 404 and says nothing about why.
"""

import datetime

import pytest
import time_machine
from django.core import signing
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from articles import services, workflow
from articles.models import ArticleEvent
from previews import services as previews
from previews.models import SALT, ExpertComment

pytestmark = pytest.mark.django_db

Event = ArticleEvent.Kind


@pytest.fixture
def draft(draft_factory):
    return draft_factory(slug="secret-draft", title="Zebrafish draft title", body="Zebrafish body [@1].")


@pytest.fixture
def link(draft, editor):
    return previews.create_preview_link(version=draft, recipient="Dr Okafor", user=editor)


def kinds(version):
    return list(version.article.events.filter(version=version).order_by("pk").values_list("kind", flat=True))


def test_an_expert_sees_the_draft_as_readers_would_with_the_banner_never_cached_or_indexed(reader, link):
    response = reader.get(link.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Draft for expert comment, not published" in page and "Zebrafish draft title" in page
    assert 'id="cite-1"' in page  # the reader's rendering, derived in memory
    assert (
        '<meta name="robots" content="noindex, nofollow">' in page and response["X-Robots-Tag"] == "noindex, nofollow"
    )
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert 'rel="canonical"' not in page


def test_the_link_lasts_seven_days_by_default(reader, draft, editor):
    with time_machine.travel("2026-06-01 10:00Z", tick=False):
        link = previews.create_preview_link(version=draft, recipient="Dr Okafor", user=editor)
    with time_machine.travel("2026-06-08 09:59Z", tick=False):
        assert reader.get(link.get_absolute_url()).status_code == 200
    with time_machine.travel("2026-06-08 10:00Z", tick=False):
        assert reader.get(link.get_absolute_url()).status_code == 404


def test_a_comment_reaches_the_editor_with_the_visitors_name_and_every_step_is_in_the_timeline(
    reader, link, draft, editor
):
    url = link.get_absolute_url()
    reader.get(url)
    response = reader.post(url, {"given_name": "Amaka", "text": "Quinine is no longer advised for cramps."})
    assert response.status_code == 302
    assert "your comment has been passed to the editors" in reader.get(response["Location"]).content.decode()
    comment = ExpertComment.objects.get()
    assert (comment.given_name, comment.version) == ("Amaka", draft)
    previews.revoke_preview_link(link=link, user=editor)
    assert kinds(draft)[1:] == [
        Event.PREVIEW_LINK_CREATED,
        Event.PREVIEW_LINK_VIEWED,  # the first view of the day; the one after the comment is only counted
        Event.EXPERT_COMMENT,
        Event.PREVIEW_LINK_REVOKED,
    ]
    said = draft.article.events.get(kind=Event.EXPERT_COMMENT)
    assert "Amaka" in said.comment and "Quinine is no longer advised" in said.comment
    assert said.actor_label == "outside expert"


def test_the_editor_reads_comments_and_the_timeline_in_the_admin(client, link, draft, editor):
    previews.add_expert_comment(link=link, given_name="Amaka", text="Add the magnesium trial.")
    client.force_login(editor)
    timeline = client.get(reverse("admin:articles_article_change", args=[draft.article_id])).content.decode()
    assert (
        "Comment from an outside expert" in timeline and "Amaka" in timeline and "Add the magnesium trial." in timeline
    )
    listing = client.get(reverse("admin:previews_expertcomment_changelist")).content.decode()
    assert "Add the magnesium trial." in listing
    link_page = client.get(reverse("admin:previews_previewlink_change", args=[link.pk])).content.decode()
    assert link.token in link_page and "Amaka" in link_page


def test_an_editor_makes_and_revokes_a_link_in_the_admin(client, draft, editor, reader):
    client.force_login(editor)
    response = client.post(
        reverse("admin:previews_previewlink_add"),
        {
            "version": draft.pk,
            "recipient": "Dr Okafor",
            "days": 3,
            "comments-TOTAL_FORMS": 0,
            "comments-INITIAL_FORMS": 0,
        },
        follow=True,
    )
    (link,) = draft.preview_links.all()
    assert link.token in response.content.decode()
    assert link.expires_at - link.created_at == datetime.timedelta(days=3)
    client.post(reverse("admin:previews_previewlink_changelist"), {"action": "revoke", "_selected_action": [link.pk]})
    assert reader.get(link.get_absolute_url()).status_code == 404


def test_only_editors_make_links_and_only_for_open_versions(draft, reviewer, editor, publish):
    with pytest.raises(workflow.NotAllowed):
        previews.create_preview_link(version=draft, recipient="Dr Okafor", user=reviewer)
    live = publish(slug="live-one").live_version
    with pytest.raises(workflow.WorkflowError):
        previews.create_preview_link(version=live, recipient="Dr Okafor", user=editor)


# --- every link that does not work: the same 404, nothing revealed -----------------------------


def _not_found(reader, token):
    response = reader.get(reverse("previews:expert_preview", kwargs={"token": token}))
    body = response.content.decode()
    assert response.status_code == 404
    assert "Zebrafish" not in body and "secret-draft" not in body and "Okafor" not in body
    return body


def test_tampered_expired_revoked_and_superseded_links_are_the_same_404(
    reader, draft, editor, submit, approve, draft_factory
):
    baseline = _not_found(reader, "nothing-here")

    def fresh(follows_draft=True):
        return previews.create_preview_link(
            version=draft, recipient="Dr Okafor", user=editor, follows_draft=follows_draft
        )

    tampered = fresh().token
    cases = {"tampered": tampered[:-2] + ("aa" if not tampered.endswith("aa") else "bb")}
    cases["forged nonce"] = signing.dumps({"id": fresh().pk, "n": "guessed"}, salt=SALT)

    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(days=8)):
        cases["expired"] = fresh().token
    revoked = fresh()
    previews.revoke_preview_link(link=revoked, user=editor)
    cases["revoked"] = revoked.token

    changed = fresh(follows_draft=False)
    draft.body = "Zebrafish body, edited [@1]."
    draft.save()
    cases["pinned, then the version changed"] = changed.token

    withdrawn_link = fresh()
    submit(draft)
    still = fresh()  # made while awaiting review: the submission itself does not end links
    assert reader.get(still.get_absolute_url()).status_code == 200
    services.withdraw_version(version=draft, user=editor)
    cases["withdrawn"] = still.token
    cases["made on the draft, then withdrawn"] = withdrawn_link.token

    signed = fresh()
    submit(draft)
    approve(draft)
    cases["signed off"] = signed.token

    for reason, token in cases.items():
        cache.clear()  # the per-address rate limit
        assert _not_found(reader, token) == baseline, reason
        assert (
            reader.post(
                reverse("previews:expert_preview", kwargs={"token": token}), {"given_name": "x", "text": "y"}
            ).status_code
            == 404
        ), reason
    assert not ExpertComment.objects.exists()


def test_a_forged_token_and_a_link_that_no_longer_works_do_the_same_work(
    reader, draft, editor, submit, approve, monkeypatch
):
    """Timing must not tell a made-up token from a real link that was revoked, expired, withdrawn or
    signed off: each checks the signature, looks the row up in the same one query and compares the
    nonce in constant time, and answers the same bytes."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from previews import models as preview_models

    compared = []
    from django.utils.crypto import constant_time_compare as real_compare

    monkeypatch.setattr(
        preview_models, "constant_time_compare", lambda a, b: compared.append(1) or real_compare(a, b), raising=False
    )

    def fresh(follows_draft=True):
        return previews.create_preview_link(
            version=draft, recipient="Dr Okafor", user=editor, follows_draft=follows_draft
        )

    real = fresh().token
    cases = {
        "made up": "nothing-here",
        "empty signature": "abc:def",
        "another salt": signing.dumps({"id": 1, "n": "x"}, salt="another"),
        "tampered": real[:-2] + ("aa" if not real.endswith("aa") else "bb"),
        "unknown id": signing.dumps({"id": 987654, "n": "guessed"}, salt=SALT),
        "guessed nonce": signing.dumps({"id": fresh().pk, "n": "guessed"}, salt=SALT),
        "not a record": signing.dumps(["id", 1], salt=SALT),
    }
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(days=8)):
        cases["expired"] = fresh().token
    revoked = fresh()
    previews.revoke_preview_link(link=revoked, user=editor)
    cases["revoked"] = revoked.token
    made_on_draft = fresh()
    submit(draft)
    services.withdraw_version(version=draft, user=editor)
    cases["withdrawn"] = made_on_draft.token
    signed = fresh()
    submit(draft)
    approve(draft)
    cases["signed off"] = signed.token

    work = {}
    for reason, token in cases.items():
        cache.clear()  # the per-address rate limit
        compared.clear()
        with CaptureQueriesContext(connection) as queries:
            response = reader.get(reverse("previews:expert_preview", kwargs={"token": token}))
        assert response.status_code == 404, reason
        shape = [re.sub(r"'[^']*'|\b\d+\b", "?", q["sql"]) for q in queries.captured_queries]
        work[reason] = (response.content, shape, len(compared))
    assert len({content for content, _, _ in work.values()}) == 1
    assert len({tuple(shape) for _, shape, _ in work.values()}) == 1, {r: len(w[1]) for r, w in work.items()}
    assert {calls for _, _, calls in work.values()} == {1}


def test_a_link_keeps_working_through_submission_of_the_unchanged_text(reader, link, draft, submit):
    submit(draft)
    assert reader.get(link.get_absolute_url()).status_code == 200


def test_the_page_cache_never_keeps_a_preview(reader, link, editor, settings):
    settings.SPASMINFO_PAGE_CACHE = True
    assert reader.get(link.get_absolute_url()).status_code == 200
    previews.revoke_preview_link(link=link, user=editor)
    assert reader.get(link.get_absolute_url()).status_code == 404


def test_a_link_has_the_same_address_every_time_it_is_shown(link, reader):
    """Signed as of the link's creation, not of each display (the admin page and the editor's
    copy of the address showed different tokens when a second passed between them)."""
    from previews.models import PreviewLink

    shown = link.token
    with time_machine.travel(datetime.timedelta(seconds=5)):
        again = PreviewLink.objects.get(pk=link.pk).token
        assert again == shown and PreviewLink.objects.from_token(again) == link
        assert reader.get(link.get_absolute_url()).status_code == 200
    # a token stamped at display time, as links made before this change were, still opens it
    older = signing.dumps({"id": link.pk, "n": link.nonce}, salt=SALT)
    assert PreviewLink.objects.from_token(older) == link


def test_a_link_opened_all_day_adds_one_timeline_row_a_day_and_counts_every_view(reader, link, draft, settings):
    settings.SPASMINFO_PREVIEW_RATE = "100000/m"
    with time_machine.travel("2026-06-01 08:00Z", tick=False):
        link = previews.create_preview_link(version=draft, recipient="Dr Okafor", user=services.SYSTEM)
        for _ in range(200):
            assert reader.get(link.get_absolute_url()).status_code == 200
    with time_machine.travel("2026-06-01 23:30Z", tick=False):
        reader.get(link.get_absolute_url())
    assert kinds(draft).count(Event.PREVIEW_LINK_VIEWED) == 1
    with time_machine.travel("2026-06-02 09:00Z", tick=False):
        for _ in range(3):
            reader.get(link.get_absolute_url())
    assert kinds(draft).count(Event.PREVIEW_LINK_VIEWED) == 2
    link.refresh_from_db()
    assert link.view_count == 204 and str(link.last_viewed_on) == "2026-06-02"


def test_comments_through_a_link_are_limited_per_link_per_day_and_keep_what_was_typed(draft, link, settings):
    from django.test import Client

    settings.SPASMINFO_PREVIEW_COMMENTS_PER_DAY = 3
    url = link.get_absolute_url()
    statuses = []
    for n in range(6):  # a new address each time: the link's own limit holds
        response = Client(REMOTE_ADDR=f"198.51.100.{n + 1}").post(url, {"given_name": "Amaka", "text": f"Note {n}."})
        statuses.append(response.status_code)
    assert statuses == [302, 302, 302, 429, 429, 429]
    assert ExpertComment.objects.count() == 3 and kinds(draft).count(Event.EXPERT_COMMENT) == 3
    page = response.content.decode()
    assert "as many comments as it can in one day" in page and "Note 5." in page and "Amaka" in page
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1, minutes=1)):
        assert Client().post(url, {"given_name": "Amaka", "text": "Next day."}).status_code == 302


def test_comments_from_one_address_are_rate_limited_and_keep_what_was_typed(draft, link, settings):
    from django.test import Client

    settings.SPASMINFO_PREVIEW_COMMENT_RATE = "2/h"
    url = link.get_absolute_url()
    one_address = [Client().post(url, {"given_name": "Amaka", "text": f"Point {n}."}) for n in range(4)]
    assert [r.status_code for r in one_address] == [302, 302, 429, 429]
    assert "Point 3." in one_address[-1].content.decode() and ExpertComment.objects.count() == 2
    assert Client().get(url).status_code == 200  # reading the preview is not held back by the comment limit


# --- links that follow the draft, links pinned to one text ------------------------------------------


def test_a_link_follows_the_draft_through_a_save_and_says_when_it_last_changed(reader, link, draft):
    draft.body = "Zebrafish body, one word fixed [@1]."
    draft.save()
    page = reader.get(link.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200 and "one word fixed" in html
    assert f"Version {draft.number} of this article, as the editors last saved it on" in html


def test_a_pinned_link_ends_at_the_next_save_and_the_editor_is_warned_before_it(client, reader, draft, editor):
    pinned = previews.create_preview_link(version=draft, recipient="Dr Pinned", user=editor, follows_draft=False)
    previews.create_preview_link(version=draft, recipient="Dr Follows", user=editor)
    client.force_login(editor)
    form = client.get(reverse("admin:articles_articleversion_change", args=[draft.pk])).content.decode()
    assert 'id="pinned-links-warning"' in form and "Dr Pinned" in form and "Dr Follows" not in form

    draft.body = "Zebrafish body, edited [@1]."
    draft.save()
    assert reader.get(pinned.get_absolute_url()).status_code == 404
    assert pinned.dead_reason() == "the version changed (a pinned link)"
    form = client.get(reverse("admin:articles_articleversion_change", args=[draft.pk])).content.decode()
    assert 'id="pinned-links-warning"' not in form  # nothing left to end


def test_the_editor_chooses_follow_or_pin_when_making_a_link(client, draft, editor):
    client.force_login(editor)
    for choice, follows in (("False", False), ("True", True)):
        client.post(
            reverse("admin:previews_previewlink_add"),
            {
                "version": draft.pk,
                "recipient": f"Dr {choice}",
                "days": 3,
                "follows_draft": choice,
                "comments-TOTAL_FORMS": 0,
                "comments-INITIAL_FORMS": 0,
            },
        )
        assert draft.preview_links.get(recipient=f"Dr {choice}").follows_draft is follows


def test_an_expert_anchors_a_clinical_comment_to_a_passage_and_it_holds_the_sign_off(reader, link, draft):
    from comments.services import open_clinical_concerns

    response = reader.post(
        link.get_absolute_url(),
        {
            "given_name": "Dr Ada",
            "text": "Zebrafish is not a treatment.",
            "passage": "Zebrafish body",
            "clinical": "on",
        },
    )
    assert response.status_code == 302
    assert open_clinical_concerns(draft) == [
        "Dr Ada (outside expert) on “Zebrafish body”: Zebrafish is not a treatment."
    ]
    assert ExpertComment.objects.get().given_name == "Dr Ada"  # and on the link's record, as before


def test_an_expert_passage_not_in_the_text_is_refused_with_what_was_typed_kept(reader, link):
    response = reader.post(
        link.get_absolute_url(), {"given_name": "Dr Ada", "text": "My careful note.", "passage": "Not in it"}
    )
    html = response.content.decode()
    assert response.status_code == 400 and "That passage is not in the text" in html and "My careful note." in html
    assert not ExpertComment.objects.exists()
