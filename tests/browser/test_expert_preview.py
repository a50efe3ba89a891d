"""The expert preview link's life, in a browser: an editor makes it in the admin, a clinician with no
account opens it and comments, the editor fixes a word (the link follows the draft), the editor
reads the comment in the timeline and revokes the link."""

import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_expert_preview_link_from_creation_to_revocation(live_server, open_page, sign_in, draft_factory, editor):
    draft = draft_factory(slug="quinine-and-cramps", title="Quinine and night cramps", body="Quinine helps [@1].")

    editor_page = open_page()
    sign_in(editor_page, "editor")
    editor_page.goto(f"{live_server.url}/admin/previews/previewlink/add/")
    editor_page.select_option("#id_version", str(draft.pk))
    editor_page.fill("#id_recipient", "Dr Amaka Okafor")
    assert editor_page.input_value("#id_days") == "7"
    editor_page.click("input[name=_save]")
    message = editor_page.locator(".messagelist .warning", has_text="Send this address").inner_text()
    address = re.search(r"http://\S+/preview/\S+/", message).group(0)

    expert = open_page(width=375)  # a clinician on a phone, no account
    response = expert.goto(address)
    assert response.status == 200 and "no-store" in response.headers["cache-control"]
    assert expert.locator(".expert-banner").inner_text().startswith("Draft for expert comment, not published")
    assert expert.locator("h1").inner_text() == "Quinine and night cramps"
    assert expert.locator('meta[name="robots"]').get_attribute("content") == "noindex, nofollow"
    expert.fill("#id_given_name", "Amaka")
    expert.fill("#id_text", "Quinine is no longer advised for cramps: see the MHRA warning.")
    expert.click(".expert-comment-form button[type=submit]")
    expert.locator("text=your comment has been passed to the editors").wait_for()

    # The editor fixes a word in the draft: the link follows the draft, so the expert sees the fix.
    editor_page.goto(f"{live_server.url}/admin/articles/articleversion/{draft.pk}/change/")
    editor_page.wait_for_selector(".EasyMDEContainer")
    editor_page.evaluate("text => window.deskEditor.value(text)", "Quinine is not advised for cramps [@1].")
    editor_page.click("input[name=_continue]")
    editor_page.wait_for_selector(".messagelist")
    again = expert.goto(address)
    assert again.status == 200 and "Quinine is not advised for cramps" in expert.inner_text("main")
    assert "as the editors last saved it on" in expert.locator(".expert-banner").inner_text()

    editor_page.goto(f"{live_server.url}/admin/articles/article/{draft.article_id}/change/")
    timeline = editor_page.locator("table.timeline").inner_text()
    assert "Comment from an outside expert" in timeline and "Amaka" in timeline
    assert "Quinine is no longer advised" in timeline and "Expert preview viewed" in timeline

    editor_page.goto(f"{live_server.url}/admin/previews/previewlink/")
    editor_page.check("input[name=_selected_action]")
    editor_page.select_option("select[name=action]", "revoke")
    editor_page.click("button[name=index]")
    editor_page.locator("text=1 link(s) revoked.").wait_for()

    gone = expert.goto(address)
    assert gone.status == 404 and "Quinine" not in expert.content()
    editor_page.goto(f"{live_server.url}/admin/articles/article/{draft.article_id}/change/")
    assert "Expert preview link revoked" in editor_page.locator("table.timeline").inner_text()
