"""Checking an upload and making its renditions, with Pillow.

An upload is accepted only if Pillow reads it as JPEG, PNG or WebP within the
size and pixel limits and verifies it; it is then decoded and encoded again,
which drops EXIF (location included), XMP, ICC and text chunks, and turned the
way its EXIF orientation said. Renditions (WebP, plus JPEG or PNG for browsers
without WebP) are made once, at upload, at the widths in RENDITION_WIDTHS that
are not wider than the picture, and stored under the picture's SHA-256, so a
stored file never changes.
"""

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

ACCEPTED = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
RENDITION_WIDTHS = (320, 640, 960, 1280, 1920)
REFUSED = (
    "“%(name)s” is not a JPEG, PNG or WebP picture. Only those three are accepted "
    "(SVG, GIF, HEIC, PDF and everything else are refused); export it as one of them and upload it again."
)


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
    try:
        with PILImage.open(io.BytesIO(raw)) as probe:
            kind, (width, height) = probe.format, probe.size
            if kind not in ACCEPTED:
                raise ValidationError(REFUSED, code="format", params={"name": name})
            if width * height > max_pixels:
                raise ValidationError(
                    "“%(name)s” is %(w)d x %(h)d pixels; pictures may have at most %(limit)g megapixels.",
                    code="too_many_pixels",
                    params={"name": name, "w": width, "h": height, "limit": max_pixels / 1e6},
                )
            probe.verify()
        with PILImage.open(io.BytesIO(raw)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (UnidentifiedImageError, PILImage.DecompressionBombError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            REFUSED + " (%(detail)s)", code="unreadable", params={"name": name, "detail": error}
        ) from error
    data = _encode(upright, kind)
    return Picture(data, kind, upright.width, upright.height, hashlib.sha256(data).hexdigest())


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
