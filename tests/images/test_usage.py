"""Pictures placed in a version (images/usage.py): placed by key, responsive and credited on the
page, frozen with the version."""

import json

import pytest
from django.db import transaction

from articles.models import Article
from images.models import Image
from tests.images.test_services import upload

pytestmark = pytest.mark.django_db


def test_a_picture_line_typed_in_a_browser_with_crlf_line_ends_is_placed(draft_factory, submit, approve, reader):
    upload("calf")
    draft = draft_factory(body="Intro [@1].\r\n\r\n![[image:calf]]\r\n\r\nMore text.")
    submit(draft)
    approve(draft)
    page = reader.get(Article.objects.get(pk=draft.article_id).get_absolute_url()).content.decode()
    assert '<figure class="article-image">' in page and "![[image:calf]]" not in page


def test_a_placed_picture_is_responsive_sized_credited_and_named_in_structured_data(
    draft_factory, submit, approve, reader
):
    upload("calf")
    upload("night", size=(800, 500), kind="PNG")
    Image.objects.filter(key="night").update(credit="Drawing: B. Cole", alt_text="A leg at night")
    draft = draft_factory(body="Intro.\n\n![[image:calf]]\n\nMore text.\n\n![[image:night]]\n\nEnd [@1].")
    submit(draft)
    approve(draft)

    page = reader.get(Article.objects.get(pk=draft.article_id).get_absolute_url()).content.decode()
    first, second = page.split("<figure")[1], page.split("<figure")[2]
    assert '<source type="image/webp" srcset="/media/images/' in first and " 320w, " in first
    assert 'width="1000" height="600" alt="A runner stretching a calf"' in first and 'loading="lazy"' not in first
    assert 'loading="lazy"' in second and ".png 800w" in second
    assert "<figcaption>Stretching helps. <span" in first
    assert "Image credits: Photo: A. Lee; Drawing: B. Cole" in page
    data = json.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert data["image"].endswith("/1000.jpg")
    assert f'<meta property="og:image" content="{data["image"]}">' in page


def test_a_signed_off_version_keeps_its_picture_and_words_and_the_hash_is_fingerprinted(
    draft_factory, submit, approve, reader
):
    image = upload("calf")
    draft = draft_factory(body="![[image:calf]]\n\nText [@1].")
    submit(draft)
    approve(draft)
    draft.refresh_from_db()
    assert draft.content_snapshot()["images"][0]["sha256"] == image.sha256

    Image.objects.filter(pk=image.pk).update(alt_text="Corrected later", credit="Someone else")
    page = reader.get(Article.objects.get(pk=draft.article_id).get_absolute_url()).content.decode()
    assert 'alt="A runner stretching a calf"' in page and "Corrected later" not in page
    assert draft.compute_fingerprint() == draft.reviews.latest().fingerprint


def test_an_unknown_picture_key_stops_the_submission(draft_factory, editor):
    from articles import services, workflow

    draft = draft_factory(body="![[image:nowhere]]\n\nText [@1].")
    with pytest.raises(workflow.IncompleteVersion, match="not in the image library"):
        services.submit_version(version=draft, user=editor)


def test_the_database_refuses_to_change_a_signed_off_versions_pictures(draft_factory, submit, approve):
    from articles.models import ImmutableVersionError
    from images.models import VersionImage

    upload("calf")
    draft = draft_factory(body="![[image:calf]]\n\nText [@1].")
    submit(draft)
    approve(draft)
    with pytest.raises(ImmutableVersionError), transaction.atomic():
        VersionImage.objects.filter(version=draft).update(alt_text="Changed behind the model's back")
    with pytest.raises(ImmutableVersionError), transaction.atomic():
        VersionImage.objects.filter(version=draft).delete()
    assert VersionImage.objects.get(version=draft).alt_text == "A runner stretching a calf"
