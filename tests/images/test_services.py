"""Adding a picture to the library (images/services.py): checked and stripped at upload, renditions
made once, one entry per picture; the upload in the admin. `media` is in tests/images/conftest.py."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image as PILImage

from images.models import Image
from images.services import add_image
from operations.queue import last_job_id, run_due_jobs
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
    """Add a picture, and let the worker make its renditions (the job the upload queued)."""
    words = {"alt_text": "A runner stretching a calf", "caption": "Stretching helps.", "credit": "Photo: A. Lee"}
    before = last_job_id()
    image = add_image(image=Image(key=key, **words), upload=picture(**kwargs), user=None)
    run_due_jobs(after=before)
    image.refresh_from_db()
    return image


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
        (SimpleUploadedFile("broken.jpg", picture().read()[:200]), "could not be read as a JPEG picture"),
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


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims a size in its header and holds no pixels (what a decompression bomb starts with)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


INTERNALS = ("BytesIO", "object at 0x", "cannot identify", "Traceback", "decompression bomb", "DOS attack")


@pytest.mark.parametrize(
    "width, height, claimed",
    [(20_000, 10_000, "200 megapixels"), (15_000, 7_000, "105 megapixels"), (8_000, 6_000, "8000 x 6000 pixels")],
)
def test_a_picture_too_large_in_pixels_is_refused_as_such_with_the_limit(settings, media, width, height, claimed):
    settings.SPASMINFO_IMAGE_MAX_PIXELS = 40_000_000
    upload_file = SimpleUploadedFile("huge.png", png_header(width, height))
    with pytest.raises(ValidationError) as refused:
        add_image(image=Image(key="huge", alt_text="x"), upload=upload_file, user=None)
    (message,) = refused.value.messages
    assert "too large in pixels" in message and claimed in message and "at most 40 megapixels" in message
    assert "not a JPEG" not in message and not any(word in message for word in INTERNALS)
    assert stored_files(media) == [] and not Image.objects.exists()


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="9" height="9"/></svg>', "not a JPEG"),
        ("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "not a JPEG"),
        ("scan.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "not a JPEG"),
        ("photo.bmp", b"BM" + b"\x00" * 60, "not a JPEG"),
        ("cut.png", png_header(10, 10)[:30], "could not be read as a PNG picture"),
        ("cut.webp", picture("WEBP").read()[:60], "could not be read as a WebP picture"),
    ],
)
def test_a_refused_upload_says_why_in_plain_words_without_python_internals(media, name, content, expected):
    with pytest.raises(ValidationError) as refused:
        add_image(image=Image(key="bad", alt_text="x"), upload=SimpleUploadedFile(name, content), user=None)
    (message,) = refused.value.messages
    assert expected in message and name in message
    assert not any(word in message for word in INTERNALS), message


def test_the_admin_refuses_an_svg_with_a_clear_message_and_keeps_nothing(media, superuser_client):
    response = superuser_client.post(
        reverse("admin:images_image_add"),
        {"key": "logo", "alt_text": "Logo", "upload": SimpleUploadedFile("logo.svg", b"<svg/>")},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "is not a JPEG, PNG or WebP picture" in page
    assert not any(word in page for word in INTERNALS)
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


@pytest.mark.parametrize(
    "column, value",
    [
        ("file", "'images/00/other/original.jpg'"),
        ("sha256", "repeat('0', 64)"),
        ("key", "'another-key'"),
        ("width", "1"),
        ("format", "'PNG'"),
        ("renditions", """'[{"format": "WEBP", "width": 320, "height": 1, "path": "images/x/320.webp"}]'"""),
    ],
)
def test_raw_sql_cannot_point_a_signed_off_versions_picture_at_another_file(
    draft_factory, submit, approve, column, value
):
    from django.db import connection

    from articles.models import ImmutableVersionError

    image = upload("calf")
    draft = draft_factory(body="![[image:calf]]\n\nText [@1].")
    submit(draft)
    approve(draft)
    before = Image.objects.filter(pk=image.pk).values().get()
    with (
        pytest.raises(ImmutableVersionError, match="a picture never changes"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE images_image SET {column} = {value} WHERE id = %s", [image.pk])
    with (
        pytest.raises(ImmutableVersionError, match="signed-off version shows"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM images_image WHERE id = %s", [image.pk])
    assert Image.objects.filter(pk=image.pk).values().get() == before


def test_a_pictures_words_may_still_be_corrected_and_its_files_never_change(draft_factory, submit, approve):
    from articles.models import ImmutableVersionError

    image = upload("calf")
    Image.objects.filter(pk=image.pk).update(alt_text="A runner stretches her calf", caption="Better caption.")
    image.refresh_from_db()
    image.save()  # the admin saves every field, unchanged ones included
    with pytest.raises(ImmutableVersionError), transaction.atomic():
        Image.objects.filter(pk=image.pk).update(file="images/00/elsewhere.jpg")  # no version shows it yet
    assert Image.objects.get(pk=image.pk).alt_text == "A runner stretches her calf"


def test_renditions_are_a_job_of_the_upload_made_once_by_the_worker(media, draft_factory, submit):
    from django.db import connection

    from articles.models import ImmutableVersionError
    from articles.workflow import WorkflowError
    from images.services import make_renditions
    from operations.queue import pending

    before = last_job_id()
    words = {"alt_text": "A runner stretching a calf"}
    image = add_image(image=Image(key="calf", **words), upload=picture(), user=None)
    assert image.renditions == [] and pending("make_renditions") == 1  # the upload does not wait for them
    draft = draft_factory(body="Intro [@1].\n\n![[image:calf]]\n\nEnd.")
    with pytest.raises(WorkflowError, match="still being made"):  # a sign-off must freeze every size
        submit(draft)

    assert run_due_jobs(after=before) == {"succeeded": 1, "failed": 0}
    image.refresh_from_db()
    made = image.renditions
    assert len(made) == 8 and all(Path(media, r["path"]).exists() for r in made)
    assert make_renditions(image_id=image.pk) == made  # a second run changes nothing
    submit(draft)
    with pytest.raises(ImmutableVersionError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE images_image SET renditions = '[]'::jsonb WHERE id = %s", [image.pk])  # set once
