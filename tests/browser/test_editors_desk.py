"""The editor's desk in Chromium: autosave and restore, the leave guard, presence, the writing
surface with its server-rendered preview and keyboard-operable choosers, axe on the draft form."""

import re
import time

import pytest
from playwright.sync_api import expect

from articles.models import ArticleVersion
from desk.models import Autosave
from images.models import Image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def change_url(live_server, version) -> str:
    return f"{live_server.url}/admin/articles/articleversion/{version.pk}/change/"


def editor_text(page) -> str:
    return page.evaluate("window.deskEditor.value()")


def wait_until(condition, seconds: float = 10) -> None:
    """Poll `condition` from the test (the page's CSP refuses Playwright's string predicates)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def type_in_body(page, text: str) -> None:
    page.locator(".EasyMDEContainer .CodeMirror").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text, delay=5)


def test_typed_text_survives_a_closed_tab_and_the_guard_asks_before_leaving(
    live_server, open_page, sign_in, draft_factory, editor
):
    draft = draft_factory()
    page = open_page()
    sign_in(page, "editor")
    page.goto(change_url(live_server, draft))
    page.wait_for_selector(".EasyMDEContainer")
    type_in_body(page, " A new sentence typed in the browser.")
    expect(page.locator("#desk-autosave-status")).to_contain_text("Unsaved changes kept")
    assert ArticleVersion.objects.get(pk=draft.pk).body == draft.body  # no save, no new revision
    page.screenshot(path="/tmp/desk-typing.png", full_page=True)
    page.context.pages[0].close(run_before_unload=False)

    again = open_page()
    sign_in(again, "editor")
    again.goto(change_url(live_server, draft))
    note = again.locator("#desk-restored")
    assert re.search(r"Restored unsaved changes from \d\d:\d\d", note.inner_text())
    again.wait_for_selector(".EasyMDEContainer")
    assert editor_text(again).endswith("A new sentence typed in the browser.")
    again.screenshot(path="/tmp/desk-restored.png", full_page=True)

    # Clicking away with unsaved text: the browser asks first; dismissing it keeps the page.
    asked = []
    again.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    again.click("#site-name a")
    again.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert "/change/" in again.url

    # A real save spends the autosave.
    again.click("input[name=_continue]")
    again.wait_for_selector(".messagelist")
    assert ArticleVersion.objects.get(pk=draft.pk).body.endswith("A new sentence typed in the browser.")
    assert not Autosave.objects.exists()


def test_two_editors_on_one_draft_see_each_other(live_server, open_page, sign_in, draft_factory, editor, second_editor):
    draft = draft_factory()
    first, second = open_page(), open_page()
    sign_in(first, "editor")
    sign_in(second, "second_editor")
    first.goto(change_url(live_server, draft))
    second.goto(change_url(live_server, draft))
    expect(second.locator("#desk-presence")).to_contain_text("Also editing this version now: editor.")
    first.reload()
    expect(first.locator("#desk-presence")).to_contain_text("Also editing this version now: second_editor.")


def test_the_writing_surface_previews_beside_the_text_and_inserts_with_the_keyboard(
    live_server, open_page, sign_in, draft_factory, editor, library_source, run_axe
):
    Image.objects.create(
        key="calf-stretch", file="x.png", sha256="0" * 64, width=10, height=10, format="PNG", alt_text="A calf stretch"
    )
    draft = draft_factory(body="## Why\n\nCramps at night are common [@1].")
    page = open_page()
    sign_in(page, "editor")
    page.goto(change_url(live_server, draft))
    page.wait_for_selector(".editor-preview-side h2")
    assert page.inner_text(".editor-preview-side h2") == "Why"  # the server's rendering, beside the text

    # The source chooser, by keyboard only: the editor's key, a search by author, Tab, Enter.
    page.locator(".EasyMDEContainer .CodeMirror").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" More ")
    wait_until(lambda: "More" in editor_text(page))  # the editor has read the typing before the shortcut
    page.keyboard.press("Control+Alt+c")
    page.wait_for_selector("#desk-chooser[open]")
    page.keyboard.type("Layzer")
    page.wait_for_selector(".desk-choice")
    page.keyboard.press("Enter")  # to the first result
    page.keyboard.press("Enter")  # insert it
    assert "[@miller2005]" in editor_text(page)

    # The picture chooser from the toolbar, then the keyboard.
    page.click("button.picture")
    page.keyboard.type("calf")
    page.wait_for_selector(".desk-choice")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert "![[image:calf-stretch]]" in editor_text(page)
    expect(page.locator(".editor-preview-side figure img")).to_have_attribute("alt", "A calf stretch")
    page.screenshot(path="/tmp/desk-editor.png", full_page=True)
    page.keyboard.press("Escape")
    page.evaluate("() => window.scrollTo(0, 0)")  # axe reads colours at the scroll position: from the top
    violations = run_axe(page)
    assert violations == []


SELECT_PASSAGE = """passage => {
    const node = document.getElementById("comment-source").firstChild;
    const start = node.data.indexOf(passage);
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, start + passage.length);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
}"""


def test_a_clinical_comment_holds_the_sign_off_until_the_editor_fixes_and_resolves_it(
    live_server, open_page, sign_in, draft_factory, submit, editor, reviewer
):
    version = submit(draft_factory(body="Cramps at night are common [@1]. Quinine helps everyone."))
    review_url = f"{live_server.url}/admin/articles/articleversion/{version.pk}/review/"

    doctor = open_page()
    sign_in(doctor, "reviewer")
    doctor.goto(review_url)
    doctor.evaluate(SELECT_PASSAGE, "Quinine helps everyone.")
    expect(doctor.locator("#comment-quote")).to_have_value("Quinine helps everyone.")
    assert doctor.input_value("#comment-suffix") == ""  # the end of the text
    doctor.fill("#comment-text", "Quinine is not advised for cramps (FDA warning).")
    doctor.check("#comment-clinical")
    doctor.click("#comment-form button[type=submit]")
    expect(doctor.locator("#sign-off-withheld")).to_contain_text("Quinine is not advised for cramps")
    assert doctor.locator("button[value=approve]").count() == 0
    doctor.screenshot(path="/tmp/desk-review-held.png", full_page=True)

    # The editor takes the version back, rewrites the passage, resolves the comment, submits again.
    desk = open_page()
    sign_in(desk, "editor")
    desk.goto(change_url(live_server, version))
    expect(desk.locator("#sign-off-held")).to_be_visible()
    desk.click("text=Withdraw to draft")
    desk.wait_for_selector(".EasyMDEContainer")
    desk.evaluate("text => window.deskEditor.value(text)", "Cramps at night are common [@1]. Stretching may help.")
    desk.click("input[name=_continue]")
    desk.wait_for_selector(".messagelist")
    comment_block = desk.locator(".review-comment").first
    expect(comment_block).to_contain_text("changed or removed since the comment")
    comment_block.locator("button", has_text="Resolve").click()
    expect(desk.locator(".messagelist")).to_contain_text("Comment resolved.")
    desk.click("button[name=_submit_for_review]")
    expect(desk.locator(".messagelist")).to_contain_text("Submitted for medical review.")

    doctor.goto(review_url)
    assert doctor.locator("#sign-off-withheld").count() == 0
    doctor.click("#confirm-sign-off summary")
    doctor.click("button[value=approve]")
    expect(doctor.locator(".messagelist")).to_contain_text("Signed off.")
    assert ArticleVersion.objects.get(pk=version.pk).status == ArticleVersion.Status.APPROVED


def test_without_javascript_the_body_is_the_plain_textarea_and_saves(
    live_server, browser, sign_in, draft_factory, editor
):
    draft = draft_factory()
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "editor")
        page.goto(change_url(live_server, draft))
        assert page.locator(".EasyMDEContainer").count() == 0
        page.fill("#id_body", "Saved without JavaScript [@1].")
        page.click("input[name=_continue]")
        assert "was changed successfully" in page.inner_text(".messagelist")
        assert ArticleVersion.objects.get(pk=draft.pk).body == "Saved without JavaScript [@1]."
    finally:
        context.close()
