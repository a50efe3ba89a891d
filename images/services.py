"""Adding a picture to the library: check, strip, store under its hash; its renditions are made once, by the worker."""

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
    """Save `image` (key, alt text, decorative, caption, credit already validated) with its picture,
    and queue its renditions (`make_renditions`, a job of the same transaction, run by the worker).

    Raises ValidationError for a file that is not an accepted picture: nothing is stored then. If
    saving fails, the stored file is removed again, so no file is left behind."""
    from images.tasks import make_renditions

    picture = picture or checked_picture(upload)
    original = default_storage.save(
        f"{_folder(picture.sha256)}/original.{picture.extension}", ContentFile(picture.data)
    )
    try:
        image.file, image.sha256, image.format = original, picture.sha256, picture.format
        image.width, image.height, image.renditions = picture.width, picture.height, []
        image.uploaded_by = user
        image.save()
        make_renditions.defer(image_id=image.pk)
    except BaseException:
        default_storage.delete(original)
        raise
    return image


@transaction.atomic
def make_renditions(*, image_id: int) -> list[dict]:
    """Make and store the picture's renditions, once: a picture that has them is left as it is
    (so a job run twice does nothing twice); a file left by an attempt that failed is written again."""
    image = Image.objects.select_for_update().get(pk=image_id)
    if image.renditions:
        return image.renditions
    with default_storage.open(image.file, "rb") as stored:
        data = stored.read()
    picture = processing.Picture(data, image.format, image.width, image.height, image.sha256)
    made = []
    for kind, width, height, encoded in processing.renditions(picture):
        name = f"{_folder(image.sha256)}/{width}.{processing.ACCEPTED[kind]}"
        if default_storage.exists(name):
            default_storage.delete(name)
        path = default_storage.save(name, ContentFile(encoded))
        made.append({"format": kind, "width": width, "height": height, "path": path})
    Image.objects.filter(pk=image.pk).update(renditions=made)  # once: the guard allows it from [] only
    return made
