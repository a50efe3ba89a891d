"""The HTML of a placed picture: <figure><picture> with WebP and fallback srcsets, size set, lazy below the fold."""

from django.utils.html import format_html
from django.utils.safestring import mark_safe

SIZES = "(max-width: 48rem) 100vw, 48rem"


def _srcset(image, kind: str) -> str:
    return ", ".join(f"{image.url(r['path'])} {r['width']}w" for r in image.rendition_set(kind))


def figure_html(link, *, lazy: bool) -> str:
    """`link`: a VersionImage (its snapshot of alt text, caption and credit; its image's renditions)."""
    image = link.image
    fallback = next(kind for kind in ("JPEG", "PNG") if image.rendition_set(kind)) if image.renditions else None
    largest = image.rendition_set(fallback)[-1] if fallback else None
    src = image.url(largest["path"]) if largest else image.url(image.file)
    caption = ""
    if link.caption or link.credit:
        caption = format_html(
            "<figcaption>{}{}</figcaption>",
            link.caption,
            format_html(' <span class="image-credit">{}</span>', link.credit) if link.credit else "",
        )
    return format_html(
        '<figure class="article-image"><picture>'
        '<source type="image/webp" srcset="{}" sizes="{}">'
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}>'
        "</picture>{}</figure>",
        _srcset(image, "WEBP"),
        SIZES,
        src,
        _srcset(image, fallback) if fallback else "",
        SIZES,
        image.width,
        image.height,
        "" if link.decorative else link.alt_text,
        mark_safe(' loading="lazy" decoding="async"') if lazy else "",  # a constant
        caption,
    )


def figures(links) -> dict[str, str]:
    """{key: figure HTML}; the first picture loads at once (likely above the fold), the rest lazily."""
    return {link.key: figure_html(link, lazy=index > 0) for index, link in enumerate(links)}


def credits(links) -> list[str]:
    """The page's image credits, from the pictures, each once, in order."""
    return list(dict.fromkeys(link.credit for link in links if link.credit))
