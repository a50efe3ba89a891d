"""Autosave and presence on a draft: writes that never touch the version itself."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from articles.models import ArticleVersion
from articles.workflow import EDIT_PERMISSION, NotAllowed, require
from desk.models import TEXT_FIELDS, Autosave, Presence

MAX_FIELD_CHARS = 200_000  # far above any article; a bigger post is refused, not cut


@transaction.atomic
def autosave(
    *, version: ArticleVersion, user: AbstractBaseUser, fields: dict[str, str], base_revision: int
) -> Autosave:
    """Keep `user`'s unsaved text of `version`. The version, its revision and fingerprint stay as they are."""
    require(user, EDIT_PERMISSION, "edit articles")
    if not version.is_editable:
        raise NotAllowed(f"This version is {version.get_status_display().lower()}: it can no longer be edited.")
    values = {name: str(fields.get(name, "")) for name in TEXT_FIELDS}
    if any(len(value) > MAX_FIELD_CHARS for value in values.values()):
        raise NotAllowed("This text is too long to autosave; save the form to keep it.")
    saved, _ = Autosave.objects.update_or_create(
        version=version,
        user=user,
        defaults={**values, "base_revision": base_revision, "saved_at": timezone.now()},
    )
    return saved


def restorable(*, version: ArticleVersion, user: AbstractBaseUser) -> Autosave | None:
    """`user`'s autosave of `version`, if it holds text the version does not (else None)."""
    if not version.is_editable:
        return None
    saved = Autosave.objects.filter(version=version, user=user).first()
    return saved if saved is not None and saved.differs_from(version) else None


def discard_autosave(*, version: ArticleVersion, user: AbstractBaseUser) -> int:
    """Forget `user`'s autosave of `version` (after a real save, or when they throw it away)."""
    deleted, _ = Autosave.objects.filter(version=version, user=user).delete()
    return deleted


def here(*, version: ArticleVersion, user: AbstractBaseUser, now: datetime.datetime | None = None) -> list[str]:
    """Record that `user` has `version` open; the others who have it open now (their user names)."""
    now = now or timezone.now()
    Presence.objects.update_or_create(version=version, user=user, defaults={"seen_at": now})
    others = Presence.objects.current(now).filter(version=version).exclude(user=user).select_related("user")
    return sorted(_name(p.user) for p in others)


def gone(*, version: ArticleVersion, user: AbstractBaseUser) -> None:
    """`user` closed the form."""
    Presence.objects.filter(version=version, user=user).delete()


def _name(user: AbstractBaseUser) -> str:
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or user.get_username()
