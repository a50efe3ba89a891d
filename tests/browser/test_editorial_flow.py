"""An editor and a medical reviewer take a change from draft to readers, in Chromium."""

import pytest

from articles.models import Article
from tests.browser.editing import fill_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_readers_see_a_revision_only_after_the_reviewer_signs_it_off(
    live_server, open_page, sign_in, publish, editor, reviewer
):
    article = publish(body="The original text [@1].")
    article_url = f"{live_server.url}{article.get_absolute_url()}"
    reader = open_page(width=375)

    # The editor starts a new draft from the live version and submits a revision.
    editor_page = open_page()
    sign_in(editor_page, "editor")
    editor_page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    editor_page.click("text=Edit content (start a new draft)")
    fill_body(editor_page, "The revised text, first attempt [@1].")
    editor_page.fill("#id_change_note", "Rewrote the opening.")  # a revision says what changed, for readers
    editor_page.click("input[name=_continue]")
    editor_page.click("button[name=_submit_for_review]")
    assert editor_page.locator(".messagelist").inner_text().strip() == "Submitted for medical review."

    reader.goto(article_url)
    assert "The original text" in reader.inner_text("main")
    assert "first attempt" not in reader.content()

    # The reviewer finds it in the list, reads it and sends it back with a comment.
    reviewer_page = open_page()
    sign_in(reviewer_page, "reviewer")
    reviewer_page.goto(f"{live_server.url}/admin/articles/articleversion/?status__exact=submitted")
    reviewer_page.click("td.field-review_link a")
    assert (
        "The revised text, first attempt"
        in reviewer_page.frame_locator("iframe.reader-preview").locator("article").inner_text()
    )
    reviewer_page.fill("#id_comment", "Please say when the cramps happen.")
    reviewer_page.click("button[value=send_back]")
    assert "Sent back to the editors" in reviewer_page.inner_text(".messagelist")

    # The editor sees the comment, revises and resubmits.
    editor_page.reload()
    assert "Please say when the cramps happen." in editor_page.inner_text("#content")
    fill_body(editor_page, "The revised text: cramps often strike at night [@1].")
    editor_page.click("input[name=_continue]")
    editor_page.click("button[name=_submit_for_review]")

    reader.goto(article_url)
    assert "The original text" in reader.inner_text("main")

    # The reviewer signs it off; now, and only now, readers get the revision.
    reviewer_page.goto(f"{live_server.url}/admin/articles/articleversion/?status__exact=submitted")
    reviewer_page.click("td.field-review_link a")
    reviewer_page.click("#confirm-sign-off summary")  # the confirmation opens first
    reviewer_page.click("button[value=approve]")
    assert "is now live" in reviewer_page.inner_text(".messagelist")

    reader.goto(article_url)
    body = reader.inner_text("main")
    assert "cramps often strike at night" in body
    assert "The original text" not in body
    assert "Ana Rivera" in body
    assert Article.objects.get(pk=article.pk).live_version.number == 2


def test_an_editor_creates_an_article_with_an_author_chosen_by_autocomplete(
    live_server, open_page, sign_in, editor, topic, writer
):
    page = open_page()
    sign_in(page, "editor")
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.locator("#id_title").press_sequentially("Heat cramps at work")
    assert page.input_value("#id_slug") == "heat-cramps-at-work"  # prepopulated from the title
    page.select_option("#id_topic", label=topic.name)
    page.click("input[name=_save]")

    page.wait_for_selector("#id_summary")
    page.fill("#id_summary", "Why hard work in the heat brings on cramps.")
    fill_body(page, "## Why\n\nSweat carries salt away.")
    page.click("#author_links-group .add-row a")
    page.click("#author_links-group .select2-selection")
    page.fill(".select2-search__field", "Cara")
    page.click(".select2-results__option >> text=Cara Lind")
    page.click("input[name=_continue]")
    assert "was changed successfully" in page.inner_text(".messagelist")

    article = Article.objects.get(slug="heat-cramps-at-work")
    draft = article.versions.get()
    assert draft.summary == "Why hard work in the heat brings on cramps."
    assert [p.slug for p in draft.ordered_authors()] == ["cara-lind"]
    assert article.live_version is None


def test_submit_for_review_keeps_text_typed_without_saving(live_server, open_page, sign_in, draft_factory, editor):
    draft = draft_factory(body="The first words [@1].")
    page = open_page()
    sign_in(page, "editor")
    page.goto(f"{live_server.url}/admin/articles/articleversion/{draft.pk}/change/")
    fill_body(page, "Words typed and never saved [@1].")
    page.click("button[name=_submit_for_review]")  # no Save first

    assert page.locator(".messagelist").inner_text().strip() == "Submitted for medical review."
    draft.refresh_from_db()
    assert draft.status == "submitted"
    assert draft.body == "Words typed and never saved [@1]."
    assert draft.submitted_fingerprint == draft.compute_fingerprint()
