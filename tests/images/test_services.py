"""Pictures: checked and stripped at upload, renditions made once, placed by key, frozen with the version."""

import io
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image as PILImage

from articles.models import Article
from images.models import Image
from images.services import add_image
from tests.articles.test_admin import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media: Path) -> list[Path]:
    return [p for p in Path(media).rglob("*") if p.is_file()] if Path(media).exists() else []


def picture(kind="JPEG", size=(1000, 600), gps=False, name=None) -> SimpleUploadedFile:
    image = PILImage.new("RGB", size, (200, 80, 40))
    out = io.BytesIO()
    options = {}
    if gps:
        exif = PILImage.Exif()
        exif[0x010F] = "SpyCam"  # Make
        exif[0x8825] = {1: "N", 2: (52.0, 22.0, 10.0), 3: "E", 4: (4.0, 53.0, 0.0)}  # GPSInfo: a location
        options["exif"] = exif
    image.save(out, format=kind, **options)
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[kind]
    return SimpleUploadedFile(name or f"photo.{extension}", out.getvalue(), content_type=f"image/{extension}")


def upload(key="calf", **kwargs) -> Image:
    words = {"alt_text": "A runner stretching a calf", "caption": "Stretching helps.", "credit": "Photo: A. Lee"}
    return add_image(image=Image(key=key, **words), upload=picture(**kwargs), user=None)


def test_an_upload_loses_its_exif_and_location_and_gets_renditions_once(media):
    original = picture(gps=True)
    assert b"SpyCam" in original.read()
    image = upload(gps=True)

    stored = (Path(media) / image.file).read_bytes()
    assert b"SpyCam" not in stored and b"Exif" not in stored
    assert not PILImage.open(io.BytesIO(stored)).getexif()
    widths = {(r["format"], r["width"]) for r in image.renditions}
    assert widths == {("WEBP", 320), ("WEBP", 640), ("WEBP", 960), ("WEBP", 1000)} | {
        ("JPEG", 320),
        ("JPEG", 640),
        ("JPEG", 960),
        ("JPEG", 1000),
    }
    assert all((Path(media) / r["path"]).exists() for r in image.renditions)
    assert image.sha256 in image.file and (image.width, image.height) == (1000, 600)


@pytest.mark.parametrize(
    "upload_file, message",
    [
        (SimpleUploadedFile("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), "not a JPEG"),
        (SimpleUploadedFile("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "not a JPEG"),
        (SimpleUploadedFile("broken.jpg", picture().read()[:200]), "not a JPEG"),
        (SimpleUploadedFile("empty.png", b""), "not a JPEG"),
    ],
)
def test_anything_but_a_sound_jpeg_png_or_webp_is_refused_and_leaves_no_file(upload_file, message, media):
    with pytest.raises(ValidationError, match=message):
        add_image(image=Image(key="bad", alt_text="x"), upload=upload_file, user=None)
    assert stored_files(media) == [] and not Image.objects.exists()


def test_oversized_files_and_pictures_are_refused_with_the_limit_and_leave_no_file(settings, media):
    settings.SPASMINFO_IMAGE_MAX_BYTES = 1_000
    with pytest.raises(ValidationError, match="may be at most"):
        upload(kind="PNG", size=(400, 400))
    settings.SPASMINFO_IMAGE_MAX_BYTES = 10_000_000
    settings.SPASMINFO_IMAGE_MAX_PIXELS = 100_000
    with pytest.raises(ValidationError, match=r"may have at most 0\.1 megapixels"):
        upload(size=(1000, 600))
    assert stored_files(media) == [] and not Image.objects.exists()


def test_the_admin_refuses_an_svg_with_a_clear_message_and_keeps_nothing(media, superuser_client):
    response = superuser_client.post(
        reverse("admin:images_image_add"),
        {"key": "logo", "alt_text": "Logo", "upload": SimpleUploadedFile("logo.svg", b"<svg/>")},
    )
    assert response.status_code == 200
    assert "is not a JPEG, PNG or WebP picture" in response.content.decode()
    assert stored_files(media) == [] and not Image.objects.exists()


def test_an_editor_can_upload_a_picture_and_a_reviewer_can_only_look(media, editor, reviewer):
    response = client_for(editor).post(
        reverse("admin:images_image_add"),
        {"key": "calf", "alt_text": "A calf stretch", "credit": "Photo: A. Lee", "upload": picture()},
    )
    assert response.status_code == 302 and Image.objects.get().uploaded_by == editor
    assert client_for(reviewer).get(reverse("admin:images_image_changelist")).status_code == 200
    refused = client_for(reviewer).post(
        reverse("admin:images_image_add"), {"key": "other", "alt_text": "x", "upload": picture(kind="PNG")}
    )
    assert refused.status_code == 403 and Image.objects.count() == 1


def test_a_picture_line_typed_in_a_browser_with_crlf_line_ends_is_placed(draft_factory, submit, approve, reader):
    upload("calf")
    draft = draft_factory(body="Intro [@1].\r\n\r\n![[image:calf]]\r\n\r\nMore text.")
    submit(draft)
    approve(draft)
    page = reader.get(Article.objects.get(pk=draft.article_id).get_absolute_url()).content.decode()
    assert '<figure class="article-image">' in page and "![[image:calf]]" not in page


def test_alt_text_is_required_unless_the_picture_is_marked_decorative():
    with pytest.raises(ValidationError, match="tick “decorative”"):
        Image(key="a", alt_text=" ").full_clean(exclude=["file", "sha256", "width", "height", "format"])
    Image(key="b", decorative=True).full_clean(exclude=["file", "sha256", "width", "height", "format"])


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


def test_the_same_picture_twice_is_refused_naming_the_first(media):
    upload("calf")
    with pytest.raises(ValidationError, match="already in the library as “calf”"):
        upload("calf-again")
    assert Image.objects.count() == 1


@pytest.fixture
def superuser_client(db):
    from django.contrib.auth.models import User

    return client_for(User.objects.create_superuser("root", "root@example.org", "pw"))


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
