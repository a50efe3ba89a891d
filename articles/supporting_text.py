"""Signing off (or declining) supporting text and classification: people's names, credentials,
bios and profile links; cause, cause-group and topic names and descriptions; a cause's group
(see `taxonomy.reviewed_text`).

Editors propose (the admin keeps their edit as the pending change); a medical reviewer signs
off exactly the proposal they were shown, through the one sign-off rule (`articles.signoff`):
never a proposal their account made or changed, never text about themselves. Signing off
publishes it; declining (with a comment) drops it. Both are written to the audit log; the
save refreshes the pages that show it.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles import notifications, signoff
from articles.models import AuditEntry
from articles.workflow import WorkflowError
from taxonomy.reviewed_text import ReviewedText


class TextReviewError(Exception):
    """The decision cannot be taken; the message is for the reviewer who tried."""


def propose_text(*, obj: ReviewedText, values: dict, user: AbstractBaseUser | None) -> None:
    """Record `values` as `obj`'s pending change (published text untouched); the caller saves."""
    obj.propose_text(values, user=user, at=timezone.now())


def text_sign_off_refusal(obj: ReviewedText, user: AbstractBaseUser) -> str:
    """Why `user` may not decide on `obj`'s proposal ("" if they may)."""
    return signoff.refusal(obj, user=user, reviewer=getattr(user, "person", None))


def _decide(obj: ReviewedText, user: AbstractBaseUser, seen_fingerprint: str) -> ReviewedText:
    """`obj` locked, once the reviewer may decide on exactly the proposal they saw."""
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    if not obj.has_pending_text:
        raise TextReviewError("There is no proposed change to decide on.")
    try:
        signoff.require_may_sign(obj, user=user, reviewer=getattr(user, "person", None))
        signoff.require_unchanged(obj, seen=seen_fingerprint)
    except WorkflowError as error:
        raise TextReviewError(str(error)) from error
    return obj


def _proposer(obj: ReviewedText) -> str:
    return obj.pending_by.get_username() if obj.pending_by_id else "system"


@transaction.atomic
def approve_text(*, obj: ReviewedText, user: AbstractBaseUser, seen_fingerprint: str, comment: str = ""):
    """Publish `obj`'s pending change, exactly as the reviewer saw it."""
    obj = _decide(obj, user, seen_fingerprint)
    before = {name: value for name, value in obj.published_text().items() if name in obj.pending_text}
    after = dict(obj.pending_text)
    proposer = _proposer(obj)
    obj.apply_text(after)
    obj.clear_proposal()
    try:
        obj.full_clean(validate_unique=True, validate_constraints=True)
    except ValidationError as error:
        raise TextReviewError("The proposed text is not valid: " + "; ".join(error.messages)) from error
    obj.save()
    AuditEntry.record(
        AuditEntry.Kind.TEXT_APPROVED,
        obj,
        user=user,
        person=user.person,
        before=before,
        after=after,
        comment=comment or f"Proposed by {proposer}.",
    )
    obj.text_decided(user=user, approved=True, comment=_described(obj, after) + (f" {comment}" if comment else ""))
    return obj


@transaction.atomic
def decline_text(*, obj: ReviewedText, user: AbstractBaseUser, seen_fingerprint: str, comment: str):
    """Drop `obj`'s pending change, saying why; readers keep the signed-off text."""
    if not comment.strip():
        raise TextReviewError("Say why you decline the proposal: a comment is required.")
    obj = _decide(obj, user, seen_fingerprint)
    proposed = dict(obj.pending_text)
    proposer = _proposer(obj)
    proposed_by = [pk for pk, _ in obj.contributions()]
    obj.clear_proposal()
    obj.save(update_fields=["pending_text", "pending_by", "pending_since", "pending_editors"])
    AuditEntry.record(
        AuditEntry.Kind.TEXT_DECLINED,
        obj,
        user=user,
        person=user.person,
        before=proposed,
        after={"proposed_by": proposed_by},
        comment=f"{comment.strip()} (proposed by {proposer})",
    )
    notifications.text_declined(obj, proposers=proposed_by, comment=comment.strip())
    obj.text_decided(user=user, approved=False, comment=f"{_described(obj, proposed)} Declined: {comment.strip()}")
    return obj


def _described(obj: ReviewedText, values: dict) -> str:
    """ "Topic: Nerves; part number: 2." for a timeline entry (a foreign key by its name)."""
    parts = []
    for name, value in values.items():
        field = obj._meta.get_field(name)
        if field.is_relation:
            value = field.related_model.objects.filter(pk=value).first() if value is not None else None
        parts.append(f"{field.verbose_name}: {value if value not in (None, '') else 'none'}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."
