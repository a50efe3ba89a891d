"""Pictures placed in a version: the body's ![[image:KEY]] lines, snapshotted like references.

While a version is editable its `VersionImage` rows are retaken from the library
on every admin save and on submit (`sync_images`); from submission on they stay
as they are, so a signed-off version shows the same files (by hash) with the same
alt text, caption and credit for good.
"""

from django.db import transaction

from articles.models import ArticleVersion
from articles.rendering import IMAGE_LINE
from images.models import Image, VersionImage


def placed_keys(text: str) -> list[str]:
    """Image keys placed in `text`, each once, in order of first placement."""
    return list(dict.fromkeys(IMAGE_LINE.findall(text or "")))


def _links(version: ArticleVersion) -> tuple[list[VersionImage], list[str]]:
    keys = placed_keys(version.body)
    library = Image.objects.in_bulk(keys, field_name="key")
    links = [
        VersionImage(
            version=version,
            image=library[key],
            position=position,
            key=key,
            sha256=library[key].sha256,
            alt_text=library[key].alt_text,
            decorative=library[key].decorative,
            caption=library[key].caption,
            credit=library[key].credit,
        )
        for position, key in enumerate((k for k in keys if k in library), start=1)
    ]
    return links, [key for key in keys if key not in library]


def image_problems(version: ArticleVersion) -> list[str]:
    links, unknown = _links(version)
    problems = []
    if unknown:
        problems.append(
            "the text places "
            + ", ".join(f"![[image:{key}]]" for key in unknown)
            + ", not in the image library (upload it under Images, or correct the key)"
        )
    unready = [link.key for link in links if not link.image.renditions]
    if unready:  # the page a sign-off freezes shows each picture in every size
        problems.append(
            "the sizes of "
            + ", ".join(f"![[image:{key}]]" for key in unready)
            + " are still being made (a moment after the upload); submit again shortly"
        )
    return problems


def images_to_show(version: ArticleVersion) -> list[VersionImage]:
    """An editable version's pictures as the library gives them now (unsaved); otherwise its frozen rows."""
    if version.is_editable:
        return _links(version)[0]
    return list(version.image_links.select_related("image"))


@transaction.atomic
def sync_images(version: ArticleVersion) -> list[str]:
    """Retake the editable version's pictures from the library; returns the problems (unknown keys)."""
    if not version.is_editable:
        raise ValueError(f"Version {version.pk} is {version.status}: its images are frozen.")
    links, _ = _links(version)
    current = [link.snapshot() for link in version.image_links.order_by("position")]
    if current != [link.snapshot() for link in links]:
        version.image_links.all().delete()
        VersionImage.objects.bulk_create(links)
    return image_problems(version)
