"""No script injection: a corpus of hostile inputs goes through every field that reaches a
page, the pages are loaded in Chromium, and nothing runs. Prints how many were tried."""

import io
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from articles import lifecycle, services, workflow
from articles.models import Article, FaqEntry, Person, VersionAuthor, VersionCause
from images.models import Image
from images.services import add_image
from operations.queue import run_due_jobs
from operations.text import one_line
from references.models import Source
from taxonomy.models import Cause, CauseGroup, Topic
from tests.security.hostile_inputs import corpus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BATCH = 4
FIELDS = (
    "topic name",
    "topic description",
    "person name",
    "credentials",
    "bio",
    "cause name",
    "cause description",
    "title",
    "summary",
    "body",
    "image credits",
    "source authors",
    "source title",
    "source journal or publisher",
    "source volume",
    "source issue",
    "source pages",
    "FAQ question",
    "FAQ answer",
    "image alt text",
    "image caption",
    "image credit",
)  # fmt: skip  (the fields plant() fills)
DETECTOR = "window.__hits = []; window.__xss = (n) => window.__hits.push(String(n));"
# Fire the events inline handlers listen for, and list links/sources that would run code.
PROBE = """() => {
  for (const el of document.querySelectorAll('*')) {
    for (const type of ['mouseover', 'focus', 'toggle', 'error', 'load', 'start']) {
      el.dispatchEvent(new Event(type));
    }
  }
  const risky = /^\\s*(javascript|data|vbscript):/i;
  const bad = [];
  for (const el of document.querySelectorAll('[href],[src],[action],[formaction],[srcdoc],[background]')) {
    for (const name of ['href', 'src', 'action', 'formaction', 'background']) {
      const value = el.getAttribute(name);
      if (value && risky.test(value)) bad.push(el.outerHTML.slice(0, 120));
    }
    if (el.hasAttribute('srcdoc')) bad.push(el.outerHTML.slice(0, 120));
  }
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) bad.push(el.outerHTML.slice(0, 120));
    }
  }
  return {hits: window.__hits, bad};
}"""


def clip(text: str, limit: int) -> str:
    return text[:limit]


def plant(batch: list[tuple[int, str]], reviewer: Person, group: CauseGroup) -> list[str]:
    """One live article carrying the batch in every field a reader sees; returns its pages' URLs."""
    first = batch[0][0]
    texts = [payload for _, payload in batch]
    everything = "\n\n".join(texts)
    pick = lambda i: texts[i % len(texts)]  # noqa: E731  (short fields take one payload each, in turn)
    topic = Topic.objects.create(name=clip(f"{first} {pick(3)}", 100), slug=f"topic-{first}", description=everything)
    author = Person.objects.create(
        name=clip(pick(0), 120), slug=f"author-{first}", credentials=clip(pick(1), 120), bio=everything
    )
    cause = Cause.objects.create(
        name=clip(f"{first} {pick(2)}", 100), slug=f"cause-{first}", group=group, description=clip(everything, 500)
    )
    version = services.create_article(
        article=Article(slug=f"hostile-{first}", topic=topic),
        title=clip(one_line(pick(0)), 200),  # single-line fields take the payload on one line, as the forms do
        summary=clip(one_line(pick(1)), 300),
        user=workflow.SYSTEM,
    )
    Source.objects.create(  # the library entry the body cites; the version keeps a snapshot of it
        key=f"hostile{first}",
        authors=clip(pick(2), 500),
        title=clip(pick(3), 500),
        source=clip(pick(0), 300),
        volume=clip(pick(1), 20),
        issue=clip(pick(2), 20),
        pages=clip(pick(3), 30),
    )
    picture = io.BytesIO()
    PILImage.new("RGB", (40, 30), (first % 256, 7, 9)).save(picture, format="PNG")
    add_image(
        image=Image(
            key=f"hostile{first}", alt_text=clip(pick(0), 300), caption=clip(pick(1), 300), credit=clip(pick(2), 200)
        ),
        upload=SimpleUploadedFile("hostile.png", picture.getvalue()),
        user=None,
    )
    run_due_jobs()  # the worker makes its renditions
    version.body = everything + f"\n\n![[image:hostile{first}]]\n\nCited [@hostile{first}]."
    version.image_credits = everything
    version.save()
    VersionAuthor.objects.create(version=version, person=author)
    VersionCause.objects.create(content_object=version, tag=cause)
    FaqEntry.objects.create(version=version, question=clip(one_line(pick(1)), 300), answer=everything)
    version = services.submit_version(version=version, user=workflow.SYSTEM)
    services.approve_version(
        version=version, reviewer=reviewer, seen_fingerprint=version.submitted_fingerprint, user=workflow.SYSTEM
    )
    article = Article.objects.get(pk=version.article_id)
    return [article.get_absolute_url(), author.get_absolute_url(), cause.get_absolute_url(), topic.get_absolute_url()]


def test_no_hostile_input_runs_script_on_any_page(live_server, open_page, capsys, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    payloads = corpus()
    assert len(payloads) >= 150
    reviewer = Person.objects.create(name="Rae Viewer", slug="rae-viewer", credentials="MD", is_medical_reviewer=True)
    group = CauseGroup.objects.create(name="Common causes", slug="common-causes")
    urls = [reverse("articles:home"), reverse("taxonomy:cause_index")]
    for start in range(0, len(payloads), BATCH):
        urls += plant(payloads[start : start + BATCH], reviewer, group)

    page = open_page()
    page.add_init_script(DETECTOR)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    # The detector itself must see a script that does run.
    page.goto("data:text/html," + quote('<img src="x" onerror="__xss(0)"><a href="javascript:alert(0)">x</a>'))
    page.wait_for_timeout(100)
    control = page.evaluate(PROBE)
    assert "0" in control["hits"] and len(control["bad"]) == 2  # the javascript: link and the onerror attribute

    executed, risky = set(), []
    for url in urls:
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        page.wait_for_timeout(20)
        found = page.evaluate(PROBE)
        executed.update(found["hits"])
        risky += [(url, markup) for markup in found["bad"]]
    executed.update(dialogs)

    with capsys.disabled():
        print(
            f"\n\nhostile inputs: {len(payloads)} tried through {len(FIELDS)} fields on {len(urls)} pages; "
            f"{len(executed)} executed, {len(risky)} dangerous attributes or links\n"
        )
    assert not executed, f"payloads that ran: {sorted(executed)}"
    assert not risky, risky[:5]


# --- the workbench's own fields, where editors and reviewers see them -------------------------------

ADMIN_BATCH = 16
WORKBENCH_FIELDS = (
    "take-down reason",
    "redirect path (stored, and typed into the admin form)",
    "image alt text",
    "image caption",
    "image credit",
    "source authors",
    "source title",
    "source journal or publisher",
)  # fmt: skip


def plant_for_editors(batch: list[tuple[int, str]], reviewer: Person, topic: Topic) -> list[str]:
    """A live article taken down with the batch as its reason, redirects, a picture and a source carrying
    the batch; returns the admin pages (and the 410 page) that show them."""
    from articles.models import ArticleRedirect

    first = batch[0][0]
    texts = [payload for _, payload in batch]
    pick = lambda i: texts[i % len(texts)]  # noqa: E731
    version = services.create_article(
        article=Article(slug=f"gone-{first}", topic=topic), title=f"Gone {first}", user=workflow.SYSTEM
    )
    version.summary, version.body = "A summary.", f"Text [@editors{first}].\n\n![[image:editors{first}]]"
    version.save()
    writer, _ = Person.objects.get_or_create(slug="wri-ter", defaults={"name": "Wri Ter"})
    VersionAuthor.objects.create(version=version, person=writer)
    Source.objects.create(
        key=f"editors{first}", authors=clip(pick(0), 500), title=clip(pick(1), 500), source=clip(pick(2), 300)
    )
    picture = io.BytesIO()
    PILImage.new("RGB", (40, 30), (first % 256, 9, 7)).save(picture, format="PNG")
    image = add_image(
        image=Image(
            key=f"editors{first}", alt_text=clip(pick(3), 300), caption=clip(pick(4), 300), credit=clip(pick(5), 200)
        ),
        upload=SimpleUploadedFile("editors.png", picture.getvalue()),
        user=None,
    )
    run_due_jobs()  # the worker makes its renditions
    version = services.submit_version(version=version, user=workflow.SYSTEM)
    services.approve_version(
        version=version, reviewer=reviewer, seen_fingerprint=version.submitted_fingerprint, user=workflow.SYSTEM
    )
    article = Article.objects.get(pk=version.article_id)
    lifecycle.take_down_article(article=article, user=workflow.SYSTEM, reason="\n".join(texts))
    redirect = None
    for number, payload in batch:  # stored as they are (the admin form refuses them: see below)
        redirect = ArticleRedirect.objects.create(old_slug=clip(f"{number}{payload}", 200), article=article)
    source = Source.objects.get(key=f"editors{first}")
    return [
        f"/articles/gone-{first}/",
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_article_compare", args=[article.pk]),
        reverse("admin:articles_articleversion_change", args=[version.pk]),
        reverse("admin:articles_articleredirect_changelist"),
        reverse("admin:articles_articleredirect_change", args=[redirect.pk]),
        reverse("admin:images_image_change", args=[image.pk]),
        reverse("admin:references_source_change", args=[source.pk]),
    ]


def test_no_hostile_input_in_the_workbench_fields_runs_in_the_admin(
    live_server, open_page, sign_in, capsys, settings, tmp_path, django_user_model
):
    settings.MEDIA_ROOT = tmp_path / "media"
    payloads = corpus()
    django_user_model.objects.create_superuser("root", password="pw")
    reviewer = Person.objects.create(name="Rae Viewer", slug="rae-viewer", credentials="MD", is_medical_reviewer=True)
    topic = Topic.objects.create(name="Hostile topic", slug="hostile-topic")
    urls = [
        reverse("admin:images_image_changelist"),
        reverse("admin:references_source_changelist"),
        reverse("admin:articles_article_changelist") + "?status=taken_down",
    ]
    for start in range(0, len(payloads), ADMIN_BATCH):
        urls += plant_for_editors(payloads[start : start + ADMIN_BATCH], reviewer, topic)

    page = open_page()
    page.add_init_script(DETECTOR)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, "root")
    executed, risky = set(), []

    def probe(url):
        page.wait_for_timeout(20)
        found = page.evaluate(PROBE)
        executed.update(found["hits"])
        risky.extend((url, markup) for markup in found["bad"])

    for url in urls:
        response = page.goto(live_server.url + url)
        assert response.status == (410 if url.startswith("/articles/") else 200), url
        probe(url)

    # Typed into the admin's redirect form: refused with a form error, which must not run either.
    add_redirect = live_server.url + reverse("admin:articles_articleredirect_add")
    typed = payloads[::8]
    for _, payload in typed:
        page.goto(add_redirect)
        page.fill("#id_old_slug", payload[:200])
        page.click("input[name=_save]")
        page.wait_for_load_state()
        assert page.locator(".field-old_slug .errorlist").count() == 1, payload  # not a slug: refused
        probe(add_redirect)
    executed.update(dialogs)

    with capsys.disabled():
        print(
            f"\n\nhostile inputs (workbench fields, admin): {len(payloads)} tried through {len(WORKBENCH_FIELDS)} "
            f"fields on {len(urls)} pages, {len(typed)} typed into the redirect form; "
            f"{len(executed)} executed, {len(risky)} dangerous attributes or links\n"
        )
    assert not executed, f"payloads that ran: {sorted(executed)}"
    assert not risky, risky[:5]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("calf.png", b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 50, "could not be read as a PNG picture"),
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="__xss(1)"><script>__xss(2)</script></svg>',
         "is not a JPEG, PNG or WebP picture"),
        ("big.png", None, "pictures may be at most"),
    ],
)  # fmt: skip
def test_malformed_and_oversized_uploads_get_a_clear_error_and_leave_no_file(
    name, content, message, live_server, open_page, sign_in, settings, tmp_path, editor
):
    settings.MEDIA_ROOT = tmp_path / "media"
    if content is None:  # a sound picture, over a limit lowered for the test
        settings.SPASMINFO_IMAGE_MAX_BYTES = 2_000
        out = io.BytesIO()
        PILImage.effect_noise((200, 200), 80).convert("RGB").save(out, format="PNG")
        content = out.getvalue()
        assert len(content) > 2_000
    page = open_page()
    page.add_init_script(DETECTOR)
    sign_in(page, "editor")
    page.goto(f"{live_server.url}{reverse('admin:images_image_add')}")
    page.set_input_files(
        "#id_upload", files=[{"name": name, "mimeType": "application/octet-stream", "buffer": content}]
    )
    page.fill("#id_key", "upload-test")
    page.fill("#id_alt_text", "A picture")
    page.click("input[name=_save]")
    assert message in page.inner_text(".errorlist")
    assert page.evaluate(PROBE)["hits"] == []
    assert not Image.objects.exists()
    stored = [p for p in (tmp_path / "media").rglob("*") if p.is_file()] if (tmp_path / "media").exists() else []
    assert stored == []


# --- what readers write, and what moderators and editors write about it ------------------------------

READER_FIELDS = (
    "prompt text",
    "story display name",
    "story text",
    "question",
    "answer",
    "report text",
    "story rejection reason",
    "story edit reason",
    "question decline reason",
)  # fmt: skip


def plant_readers(payloads: list[tuple[int, str]], reviewer: Person) -> tuple[list[str], list[str]]:
    """Stored as is (the forms' normalisation would only soften them): prompts, approved stories and
    reports on them, answered questions, a rejected story, an edit and a declined question.
    Returns (public pages, admin pages)."""
    from participation import answers, moderation
    from participation.models import Prompt, Question, Report, Story, StoryEdit

    topic = Topic.objects.create(name="Readers", slug="readers")
    author = Person.objects.create(name="Ann Author", slug="ann-author")
    version = services.create_article(
        article=Article(slug="readers-article", topic=topic), title="Readers", summary="S.", user=workflow.SYSTEM
    )
    version.body = "A body."
    version.save()
    VersionAuthor.objects.create(version=version, person=author)
    version = services.submit_version(version=version, user=workflow.SYSTEM)
    services.approve_version(
        version=version, reviewer=reviewer, seen_fingerprint=version.submitted_fingerprint, user=workflow.SYSTEM
    )
    article = Article.objects.get(pk=version.article_id)
    texts = [payload for _, payload in payloads]
    prompts = [Prompt.objects.create(text=clip(f"{n} {texts[n]}", 200), slug=f"prompt-{n}") for n in range(4)]
    for prompt in prompts:
        prompt.topics.add(topic)
    stories = [
        Story.objects.create(
            article=article, prompt=prompts[0], display_name=clip(text, 60), text=text, consent=True, email="a@b.org"
        )
        for text in texts
    ]
    moderation.approve_stories(stories=stories[1:], user=workflow.SYSTEM)
    moderation.reject_stories(stories=stories[:1], user=workflow.SYSTEM, reason=clip(texts[1], 300))
    for story, text in zip(stories[1:40], texts, strict=False):
        Report.objects.create(story=story, reason="offensive", text=clip(text, 1000))
    Report.objects.create(article=article, reason="other", text=clip(texts[2], 1000))
    editor = Person.objects.create(name="Ed Expert", slug="ed-expert", credentials="PT")
    questions = []
    for start in range(0, len(texts), 8):
        batch = texts[start : start + 8]
        question = answers.accept_question(
            question=Question.objects.create(text=clip(f"{start} {batch[0]}", 120)), user=workflow.SYSTEM, topic=topic
        )
        answer = answers.start_answer(question=question, answerer=editor, body="\n\n".join(batch), user=workflow.SYSTEM)
        answer = answers.submit_answer(version=answer, user=workflow.SYSTEM)
        answers.approve_answer(
            version=answer, reviewer=reviewer, seen_fingerprint=answer.submitted_fingerprint, user=workflow.SYSTEM
        )
        questions.append(Question.objects.get(pk=question.pk))
    Report.objects.create(question=questions[0], reason="inaccurate", text=clip(texts[3], 1000))
    declined = Question.objects.create(text=clip(texts[4], 120))
    answers.decline_question(question=declined, user=workflow.SYSTEM, reason=clip(texts[5], 300))
    StoryEdit.objects.create(
        story=stories[1], user=_superuser(), reason=clip(texts[6], 300), before={"text": texts[7]}, after={"text": "x"}
    )
    story_pages = [
        f"/articles/{article.slug}/stories/{prompts[0].slug}/?page={n}" for n in range(1, len(texts) // 10 + 2)
    ]
    public = [article.get_absolute_url(), *story_pages, reverse("participation:question_list")]
    public += [q.get_absolute_url() for q in questions]
    public += [f"/stories/{stories[1].pk}/report/", f"/questions/{questions[0].slug}/report/"]
    public += [reverse("articles:search") + "?q=" + quote(texts[0][:40])]
    admin = [
        "/admin/",
        "/admin/participation/story/?status__in=pending,hidden,approved,rejected",
        "/admin/participation/report/",
        "/admin/participation/question/",
        "/admin/participation/answerversion/",
        "/admin/participation/prompt/",
        f"/admin/participation/story/{stories[0].pk}/change/",
        f"/admin/participation/story/{stories[1].pk}/change/",
        f"/admin/participation/question/{questions[0].pk}/change/",
        f"/admin/participation/question/{declined.pk}/change/",
        f"/admin/participation/answerversion/{questions[0].live_answer_id}/change/",
        f"/admin/participation/answerversion/{questions[0].live_answer_id}/review/",
    ]
    return public, admin


def _superuser():
    from django.contrib.auth.models import User

    user, _ = User.objects.get_or_create(username="root", defaults={"is_staff": True, "is_superuser": True})
    user.set_password("pw")
    user.save()
    return user


def test_no_hostile_input_runs_script_through_what_readers_write(live_server, open_page, sign_in, capsys):
    payloads = corpus()
    reviewer = Person.objects.create(name="Rae Viewer", slug="rae-viewer", credentials="MD", is_medical_reviewer=True)
    public, admin = plant_readers(payloads, reviewer)
    _superuser()
    page = open_page()
    page.add_init_script(DETECTOR)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    executed, risky, loaded = set(), [], 0
    for group, urls in (("public", public), ("admin", admin)):
        if group == "admin":
            sign_in(page, "root")
        for url in urls:
            response = page.goto(live_server.url + url)
            assert response.status == 200, url
            page.wait_for_timeout(20)
            found = page.evaluate(PROBE)
            executed.update(found["hits"])
            risky += [(url, markup) for markup in found["bad"]]
            loaded += 1
    executed.update(dialogs)
    with capsys.disabled():
        print(
            f"\n\nhostile inputs (readers): {len(payloads)} tried through {len(READER_FIELDS)} fields on {loaded} "
            f"pages; {len(executed)} executed, {len(risky)} dangerous attributes or links\n"
        )
    assert not executed, f"payloads that ran: {sorted(executed)}"
    assert not risky, risky[:5]
