"""Checking an upload and making its renditions, with Pillow.

An upload is accepted only if Pillow reads it as JPEG, PNG or WebP within the
size and pixel limits and verifies it; it is then decoded and encoded again,
which drops EXIF (location included), XMP, ICC and text chunks, and turned the
way its EXIF orientation said. Renditions (WebP, plus JPEG or PNG for browsers
without WebP) are made once, by the worker after the upload (images/services.py), at the widths in RENDITION_WIDTHS that
are not wider than the picture, and stored under the picture's SHA-256, so a
stored file never changes.
"""

import hashlib
import io
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)
ACCEPTED = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
RENDITION_WIDTHS = (320, 640, 960, 1280, 1920)
REFUSED = (
    "“%(name)s” is not a JPEG, PNG or WebP picture. Only those three are accepted "
    "(SVG, GIF, HEIC, PDF and everything else are refused); export it as one of them and upload it again."
)
DAMAGED = (
    "“%(name)s” could not be read as a %(kind)s picture: the file looks damaged or cut short. "
    "Export it again and upload it."
)
TOO_MANY_PIXELS = (
    "“%(name)s” is too large in pixels (%(size)s); pictures may have at most %(limit)g megapixels. "
    "Make it smaller and upload it again."
)
_NAMES = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
_CLAIMED_PIXELS = re.compile(r"\((\d+) pixels\)")


@dataclass
class Picture:
    data: bytes
    format: str  # JPEG, PNG or WEBP
    width: int
    height: int
    sha256: str

    @property
    def extension(self) -> str:
        return ACCEPTED[self.format]


def _limits() -> tuple[int, int]:
    return settings.SPASMINFO_IMAGE_MAX_BYTES, settings.SPASMINFO_IMAGE_MAX_PIXELS


def clean_upload(upload) -> Picture:
    """The upload as a verified, metadata-free picture, or a ValidationError that says why not."""
    max_bytes, max_pixels = _limits()
    name = getattr(upload, "name", "the file")
    if upload.size > max_bytes:
        raise ValidationError(
            "“%(name)s” is %(size).1f MB; pictures may be at most %(limit).0f MB.",
            code="too_large",
            params={"name": name, "size": upload.size / 1e6, "limit": max_bytes / 1e6},
        )
    upload.seek(0)
    raw = upload.read()
    kind = _signature(raw) or "JPEG, PNG or WebP"
    try:
        with PILImage.open(io.BytesIO(raw), formats=list(ACCEPTED)) as probe:
            kind, (width, height) = probe.format, probe.size
            if kind not in ACCEPTED:
                raise ValidationError(REFUSED, code="format", params={"name": name})
            if width * height > max_pixels:
                raise _too_many_pixels(name, f"{width} x {height} pixels", max_pixels)
            probe.verify()
        with PILImage.open(io.BytesIO(raw), formats=[kind]) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except UnidentifiedImageError:
        if _signature(raw):  # it starts as an accepted picture does, but Pillow cannot read it
            raise ValidationError(
                DAMAGED, code="unreadable", params={"name": name, "kind": _NAMES.get(kind, kind)}
            ) from None
        raise ValidationError(REFUSED, code="format", params={"name": name}) from None
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as bomb:
        # Pillow refuses (or, when warnings are errors, warns about) a header claiming a huge size
        # before we can read it; its message carries the pixel count.
        claimed = _CLAIMED_PIXELS.search(str(bomb))
        size = f"{int(claimed.group(1)) / 1e6:,.0f} megapixels" if claimed else "more than can be opened safely"
        raise _too_many_pixels(name, size, max_pixels) from None
    except Exception as error:  # whatever a damaged file makes the decoder raise: the reader gets no internals
        logger.info("Refused %r as unreadable: %r", name, error)
        raise ValidationError(
            DAMAGED, code="unreadable", params={"name": name, "kind": _NAMES.get(kind, kind)}
        ) from None
    data = _encode(upright, kind)
    return Picture(data, kind, upright.width, upright.height, hashlib.sha256(data).hexdigest())


def _signature(raw: bytes) -> str | None:
    """The accepted format the file's first bytes announce (its magic number), if any."""
    if raw.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if raw.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if raw[:4] == b"RIFF" and raw[8:12] == b"WEBP":
        return "WEBP"
    return None


def _too_many_pixels(name: str, size: str, max_pixels: int) -> ValidationError:
    return ValidationError(
        TOO_MANY_PIXELS, code="too_many_pixels", params={"name": name, "size": size, "limit": max_pixels / 1e6}
    )


def _encode(image: PILImage.Image, kind: str, width: int | None = None) -> bytes:
    """Encode without any metadata (no exif=, icc_profile= or pnginfo= passed, info dropped)."""
    if width and width < image.width:
        image = image.resize((width, round(image.height * width / image.width)), PILImage.Resampling.LANCZOS)
    clean = image.copy()
    clean.info = {}
    if kind == "JPEG" and clean.mode not in ("RGB", "L"):
        clean = clean.convert("RGB")
    if kind == "WEBP" and clean.mode not in ("RGB", "RGBA"):
        clean = clean.convert("RGBA" if "A" in clean.getbands() or clean.mode == "P" else "RGB")
    out = io.BytesIO()
    options = {"quality": 85} if kind in ("JPEG", "WEBP") else {"optimize": True}
    clean.save(out, format=kind, **options)
    return out.getvalue()


def fallback_format(picture_format: str, has_alpha: bool) -> str:
    """What browsers without WebP get: the original's format, or for a WebP original JPEG (PNG with alpha)."""
    if picture_format != "WEBP":
        return picture_format
    return "PNG" if has_alpha else "JPEG"


def renditions(picture: Picture) -> list[tuple[str, int, int, bytes]]:
    """[(format, width, height, data)]: WebP and the fallback format at each width up to the picture's."""
    with PILImage.open(io.BytesIO(picture.data)) as image:
        image.load()
        has_alpha = "A" in image.getbands() or "transparency" in image.info
        widths = sorted({w for w in RENDITION_WIDTHS if w < picture.width} | {min(picture.width, RENDITION_WIDTHS[-1])})
        made = []
        for kind in ("WEBP", fallback_format(picture.format, has_alpha)):
            for width in widths:
                data = _encode(image, kind, width)
                made.append((kind, width, round(picture.height * width / picture.width), data))
        return made
