"""No script injection: a corpus of hostile inputs goes through every field that reaches a
page, the pages are loaded in Chromium, and nothing runs. Prints how many were tried."""

import io
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from articles import services
from articles.models import Article, FaqEntry, Person, Source, VersionAuthor, VersionCause
from images.models import Image
from images.services import add_image
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
        title=clip(pick(0), 200),
        summary=clip(pick(1), 300),
        user=services.SYSTEM,
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
    version.body = everything + f"\n\n![[image:hostile{first}]]\n\nCited [@hostile{first}]."
    version.image_credits = everything
    version.save()
    VersionAuthor.objects.create(version=version, person=author)
    VersionCause.objects.create(content_object=version, tag=cause)
    FaqEntry.objects.create(version=version, question=clip(pick(1), 300), answer=everything)
    version = services.submit_version(version=version, user=services.SYSTEM)
    services.approve_version(
        version=version, reviewer=reviewer, seen_fingerprint=version.submitted_fingerprint, user=services.SYSTEM
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
