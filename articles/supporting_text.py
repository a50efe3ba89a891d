"""Signing off supporting text: people's names, credentials, bios and profile links, and
cause, cause-group and topic descriptions (see `taxonomy.reviewed_text`).

Editors propose (the admin keeps their edit as the pending change); a medical reviewer
approves exactly the proposal they were shown, never their own proposal or text about
themselves; the approval publishes it and writes the audit log (its save refreshes the pages that show it).
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.identity import IdentityError, signing_person
from articles.models import AuditEntry, Person
from taxonomy.reviewed_text import ReviewedText


class TextReviewError(Exception):
    """The approval cannot happen; the message is for the reviewer who tried."""


def propose_text(*, obj: ReviewedText, values: dict, user: AbstractBaseUser | None) -> None:
    """Record `values` as `obj`'s pending change (published text untouched); the caller saves."""
    obj.propose_text(values, user=user, at=timezone.now())


@transaction.atomic
def approve_text(*, obj: ReviewedText, user: AbstractBaseUser, seen_fingerprint: str, comment: str = ""):
    """Publish `obj`'s pending change, exactly as the reviewer saw it."""
    try:
        reviewer = signing_person(user)
    except IdentityError as error:
        raise TextReviewError(str(error)) from error
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    if not obj.has_pending_text:
        raise TextReviewError("There is no proposed change to sign off.")
    if obj.text_fingerprint() != seen_fingerprint:
        raise TextReviewError("The text changed while you were reading it. Reload it and review what is there now.")
    if obj.pending_by_id == user.pk:
        raise TextReviewError("You proposed this change, so you cannot sign it off.")
    if isinstance(obj, Person) and obj.pk == reviewer.pk:
        raise TextReviewError("This is your own profile: another reviewer signs off what readers are told about you.")
    before = {name: getattr(obj, name) for name in obj.pending_text}
    after = dict(obj.pending_text)
    proposer = obj.pending_by.get_username() if obj.pending_by_id else "system"
    for name, value in after.items():
        setattr(obj, name, value)
    obj.pending_text, obj.pending_by, obj.pending_since = {}, None, None
    try:
        obj.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise TextReviewError("The proposed text is not valid: " + "; ".join(error.messages)) from error
    obj.save()
    AuditEntry.record(
        AuditEntry.Kind.TEXT_APPROVED,
        obj,
        user=user,
        person=reviewer,
        before=before,
        after=after,
        comment=comment or f"Proposed by {proposer}.",
    )
    return obj
