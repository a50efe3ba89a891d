"""Adding a picture to the library: check, strip, store under its hash, make renditions, once."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from images import processing
from images.models import Image


def _folder(sha256: str) -> str:
    return f"images/{sha256[:2]}/{sha256}"


def checked_picture(upload) -> processing.Picture:
    """The upload, verified and stripped; refused if it is not an accepted picture or already in the library."""
    picture = processing.clean_upload(upload)
    existing = Image.objects.filter(sha256=picture.sha256).first()
    if existing is not None:
        raise ValidationError(
            "This picture is already in the library as “%(key)s”: place it with ![[image:%(key)s]].",
            code="duplicate",
            params={"key": existing.key},
        )
    return picture


@transaction.atomic
def add_image(
    *, image: Image, upload=None, picture: processing.Picture | None = None, user: AbstractBaseUser | None
) -> Image:
    """Save `image` (key, alt text, decorative, caption, credit already validated) with its picture.

    Raises ValidationError for a file that is not an accepted picture: nothing is stored then. If storing
    or saving fails part way, the files written so far are removed again, so no file is left behind.
    """
    picture = picture or checked_picture(upload)
    folder = _folder(picture.sha256)
    written: list[str] = []
    try:
        original = default_storage.save(f"{folder}/original.{picture.extension}", ContentFile(picture.data))
        written.append(original)
        made = []
        for kind, width, height, data in processing.renditions(picture):
            path = default_storage.save(f"{folder}/{width}.{processing.ACCEPTED[kind]}", ContentFile(data))
            written.append(path)
            made.append({"format": kind, "width": width, "height": height, "path": path})
        image.file, image.sha256, image.format = original, picture.sha256, picture.format
        image.width, image.height, image.renditions = picture.width, picture.height, made
        image.uploaded_by = user
        image.save()
    except BaseException:
        for path in written:
            default_storage.delete(path)
        raise
    return image
