"""The hostile-input corpus through the editor's desk in Chromium: review comments, replies and outside
experts' names on the version's page and the review page, the body in the preview beside the text, and
every payload typed into the source chooser's search over a library whose entries carry them."""

import pytest
from django.contrib.auth.models import User

from comments import services as comments
from images.models import Image
from references.models import Source
from tests.browser.test_hostile_inputs import DETECTOR, PROBE
from tests.security.hostile_inputs import corpus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def one_line(text: str, limit: int) -> str:
    return " ".join(text.split())[:limit]


def test_no_hostile_input_runs_through_comments_the_preview_or_the_choosers(
    live_server, open_page, sign_in, draft_factory, submit, editor, reviewer, capsys
):
    payloads = corpus()
    version = draft_factory(body="Plain start.\n\n" + "\n\n".join(payload for _, payload in payloads))
    reviewer_user = User.objects.get(pk=reviewer.pk)
    for number, payload in payloads:
        made = comments.add_comment(
            version=version, user=None, expert_name=one_line(payload, 80), quote="Plain start.", text=payload
        )
        comments.reply(comment=made, user=reviewer_user, text=payload)
        Source.objects.create(key=f"hostile{number}", title=one_line(payload, 500), authors=one_line(payload, 500))
        Image.objects.create(
            key=f"hostile{number}",
            file="x.png",
            sha256=f"{number:064d}",
            width=8,
            height=8,
            format="PNG",
            alt_text=one_line(payload, 300),
        )

    page = open_page()
    page.add_init_script(DETECTOR)
    dialogs: list[str] = []
    page.on(
        "dialog",
        lambda dialog: (
            dialog.accept() if dialog.type == "beforeunload" else (dialogs.append(dialog.message), dialog.dismiss())
        ),
    )
    sign_in(page, "editor")
    executed, risky = set(), []

    def probe(where: str) -> None:
        found = page.evaluate(PROBE)
        executed.update(found["hits"])
        risky.extend((where, markup) for markup in found["bad"])

    change = f"{live_server.url}/admin/articles/articleversion/{version.pk}/change/"
    page.goto(change)
    page.wait_for_selector(".editor-preview-side p")  # the server's rendering of the hostile body
    assert page.locator(".review-comment").count() == len(payloads)
    probe("version page")

    page.keyboard.press("Escape")
    page.locator(".EasyMDEContainer .CodeMirror").click()
    page.keyboard.press("Control+Alt+c")
    page.wait_for_selector("#desk-chooser[open]")
    searched = 0
    for _, payload in payloads:
        with page.expect_response(lambda response: "choose/sources" in response.url):
            page.fill("#desk-chooser-q", payload)
        page.wait_for_timeout(20)
        searched += 1
    probe("source chooser")
    page.click("#desk-chooser-close")
    page.click("button.picture")
    with page.expect_response(lambda response: "choose/images" in response.url):
        page.fill("#desk-chooser-q", "<")
    page.wait_for_timeout(50)
    assert page.locator(".desk-choice").count() > 0
    probe("picture chooser")
    page.click("#desk-chooser-close")

    submit(version)
    page.context.clear_cookies()
    sign_in(page, "reviewer")
    page.goto(change.replace("/change/", "/review/"))
    assert page.locator(".review-comment").count() == len(payloads)
    probe("review page")
    executed.update(dialogs)

    with capsys.disabled():
        print(
            f"\n\nhostile inputs (desk): {len(payloads)} through comments, replies, experts' names, the preview "
            f"beside the text, {searched} source-chooser searches and the picture chooser; "
            f"{len(executed)} executed, {len(risky)} dangerous attributes or links\n"
        )
    assert not executed, f"payloads that ran: {sorted(executed)}"
    assert not risky, risky[:5]
