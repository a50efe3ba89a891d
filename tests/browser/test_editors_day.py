"""The editor's day end to end in Chromium, with the email each step sends.

Upload a picture, add a source and write with cite-by-key references, preview at both widths,
submit (typed text kept), the reviewer compares versions and signs off, the published page equals
the preview, the slug changes (the old address redirects), a rollback to v1 starts a new draft,
a take-down gives readers a 410.
"""

import io

import pytest
from django.contrib.auth.models import User
from django.core import mail
from PIL import Image as PILImage

from articles.models import Article, ArticleEvent
from images.models import Image
from operations.queue import run_due_jobs
from tests.browser.editing import fill_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def png_bytes() -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (800, 500), (30, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def subjects_to(address: str) -> list[str]:
    """What `address` was mailed, once the worker has sent what the steps so far queued."""
    run_due_jobs()
    return [message.subject for message in mail.outbox if address in message.to]


def test_the_editors_day(live_server, open_page, sign_in, publish, editor, reviewer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    article = publish(slug="night-cramps", title="Night cramps", body="The original text [@1].")
    v1 = article.live_version
    User.objects.filter(pk=editor.pk).update(email="editor@example.org")
    User.objects.filter(pk=reviewer.pk).update(email="rivera@example.org")
    mail.outbox.clear()
    admin = f"{live_server.url}/admin"

    # An editor uploads a picture and adds a source to the library.
    page = open_page()
    sign_in(page, "editor")
    page.goto(f"{admin}/images/image/add/")
    page.set_input_files("#id_upload", files=[{"name": "calf.png", "mimeType": "image/png", "buffer": png_bytes()}])
    page.fill("#id_key", "calf")
    page.fill("#id_alt_text", "A runner stretching a calf against a wall")
    page.fill("#id_caption", "Stretch before bed.")
    page.fill("#id_credit", "Photo: A. Lee")
    page.click("input[name=_save]")
    assert "was added successfully" in page.inner_text(".messagelist")
    assert Image.objects.get(key="calf").uploaded_by_id == editor.pk
    run_due_jobs()  # the worker makes its renditions
    assert Image.objects.get(key="calf").renditions

    page.goto(f"{admin}/references/source/add/")
    page.fill("#id_key", "miller2005")
    page.fill("#id_authors", "Miller TM, Layzer RB")
    page.fill("#id_title", "Muscle cramps")
    page.fill("#id_source", "Muscle & Nerve")
    page.fill("#id_year", "2005")
    page.fill("#id_doi", "10.1002/mus.20342")
    page.click("input[name=_save]")
    assert "was added successfully" in page.inner_text(".messagelist")

    # ... starts a draft and writes with both, citing by key.
    page.goto(f"{admin}/articles/article/{article.pk}/change/")
    page.click("text=Edit content (start a new draft)")
    fill_body(
        page,
        "## Stretching\n\nStretch the calf before bed [@miller2005].\n\n![[image:calf]]\n\n"
        "## Water\n\nDrink enough during the day [@miller2005].",
    )
    page.click("input[name=_continue]")
    assert "[@miller2005]" not in page.inner_text(".messagelist")  # a known key: no error about it
    draft = article.versions.get(number=2)
    assert list(draft.references.values_list("number", "key")) == [(1, "miller2005")]  # numbered for the editor

    # ... previews it at a desktop's and a phone's width: the reader's page, marked as a preview.
    page.goto(f"{admin}/articles/articleversion/{draft.pk}/preview/")
    frame = page.frame_locator("iframe.reader-preview")
    assert "Preview: not published" in frame.locator(".preview-banner").inner_text()
    assert frame.locator("figure picture img[srcset]").count() == 1
    assert frame.locator("sup.citation a").first.inner_text() == "1"
    assert page.locator("iframe.reader-preview").get_attribute("width") == "1280"
    page.click("text=phone (375 px)")
    assert page.locator("iframe.reader-preview").get_attribute("width") == "375"
    phone = page.locator("iframe.reader-preview").element_handle().content_frame()
    phone.wait_for_load_state()
    assert phone.evaluate("window.innerWidth") == 375  # the reader's page laid out at a phone's width
    assert "Stretch the calf" in page.frame_locator("iframe.reader-preview").locator("article").inner_text()

    # ... types one more sentence and submits without saving: the sentence is kept.
    page.goto(f"{admin}/articles/articleversion/{draft.pk}/change/")
    fill_body(page, page.input_value("#id_body") + "\n\nCramps that wake you often ease within minutes.")
    page.fill("#id_change_note", "Added stretching advice and a picture.")  # required after a first sign-off
    page.click("button[name=_submit_for_review]")
    assert page.locator(".messagelist").inner_text().strip() == "Submitted for medical review."
    draft.refresh_from_db()
    assert draft.status == "submitted" and draft.body.endswith("ease within minutes.")
    assert any(s.endswith("For review: Night cramps (v2)") for s in subjects_to("rivera@example.org"))

    # The reviewer compares the versions, reads the preview and signs off (after confirming).
    review = open_page()
    sign_in(review, "reviewer")
    review.goto(f"{admin}/articles/articleversion/{draft.pk}/review/")
    review.click("text=Compare any two versions of this article")
    review.select_option("#compare-from", "1")
    review.select_option("#compare-to", "2")
    review.click("button:has-text('Compare')")
    diff = review.inner_text("#version-diff")
    assert "Body" in diff and "The original text" in diff and "Stretch the calf before bed" in diff
    review.goto(f"{admin}/articles/articleversion/{draft.pk}/review/")
    previewed = review.frame_locator("iframe.reader-preview").locator(".article-body").inner_html()
    review.click("#confirm-sign-off summary")
    review.click("button[value=approve]")
    assert "is now live" in review.inner_text(".messagelist")
    assert any(s.endswith("Signed off: Night cramps (v2)") for s in subjects_to("editor@example.org"))

    # Readers get exactly the page the reviewer previewed.
    reader = open_page(width=375)
    reader.goto(f"{live_server.url}/articles/night-cramps/")
    assert reader.locator(".article-body").inner_html() == previewed
    assert "Photo: A. Lee" in reader.inner_text("main")  # image credits come from the picture

    # The editor changes the slug: the old address answers 301 to the new one.
    page.goto(f"{admin}/articles/article/{article.pk}/change/")
    page.fill("#id_slug", "cramps-at-night")
    page.click("input[name=_save]")
    response = reader.goto(f"{live_server.url}/articles/night-cramps/")
    assert reader.url == f"{live_server.url}/articles/cramps-at-night/" and response.status == 200
    assert response.request.redirected_from is not None

    # ... and rolls back to version 1: a new draft copied from it, for review like any draft.
    page.goto(f"{admin}/articles/articleversion/{v1.pk}/change/")
    page.click("#start-draft-from-version")
    assert "Version 3 started from version 1" in page.inner_text(".messagelist")
    assert page.input_value("#id_body").startswith("The original text [@")
    assert Article.objects.get(pk=article.pk).live_version.number == 2

    # A reviewer takes the article down with a reason: readers get 410, the timeline says who and why.
    review.goto(f"{admin}/articles/article/{article.pk}/change/")
    review.click("#take-down-link")
    review.fill("#id_reason", "The advice on stretching is being checked.")
    review.click("#confirm-take-down")
    assert "Taken down" in review.inner_text(".messagelist")
    gone = reader.goto(f"{live_server.url}/articles/cramps-at-night/")
    assert gone.status == 410 and "withdrawn for medical review" in reader.inner_text("main")
    assert "Stretch the calf" not in reader.content()
    event = ArticleEvent.objects.get(article=article, kind=ArticleEvent.Kind.TAKEN_DOWN)
    assert event.user_id == reviewer.pk and event.comment == "The advice on stretching is being checked."
    assert any(s.endswith("Taken down: Night cramps") for s in subjects_to("editor@example.org"))
    assert not any("Taken down" in s for s in subjects_to("rivera@example.org"))  # the reviewer did it herself
