"""Adding a picture to the library (images/services.py): checked and stripped at upload, renditions
made once, one entry per picture; the upload in the admin. `media` is in tests/images/conftest.py."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from images.models import Image
from images.services import add_image
from tests.articles.test_admin import client_for

pytestmark = pytest.mark.django_db


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


def test_alt_text_is_required_unless_the_picture_is_marked_decorative():
    with pytest.raises(ValidationError, match="tick “decorative”"):
        Image(key="a", alt_text=" ").full_clean(exclude=["file", "sha256", "width", "height", "format"])
    Image(key="b", decorative=True).full_clean(exclude=["file", "sha256", "width", "height", "format"])


def test_the_same_picture_twice_is_refused_naming_the_first(media):
    upload("calf")
    with pytest.raises(ValidationError, match="already in the library as “calf”"):
        upload("calf-again")
    assert Image.objects.count() == 1


@pytest.fixture
def superuser_client(db):
    from django.contrib.auth.models import User

    return client_for(User.objects.create_superuser("root", "root@example.org", "pw"))
