"""Sign-off: the one rule for everything readers are told about health, credentials or classification.

Every kind of reviewed content plugs in three things (`Reviewable`):

    review_snapshot()   every part a reader will be shown, as plain data (fingerprinted)
    contributions()     (account id, what it did) for each account whose text is in the snapshot:
                        created, edited, submitted or proposed it, or edited a source it cites
    own_people()        (person id, relation) for each person whose own work or profile it is

Today's kinds: article versions (`articles.services`), expert answers
(`participation.answers`), supporting-text and taxonomy proposals
(`articles.supporting_text`). This module owns what they share:

- `refusal()`: who may sign off (a medical reviewer, signing as the person their account is
  linked to and confirmed) and the own-work rule, from every input of the snapshot;
- `require_unchanged()`: the reviewer signs exactly what they were shown, and (where there
  is a submission) exactly what was submitted;
- `require_comment()`: sending back or declining says what must change.

Each kind keeps its own append-only record of the decision and says how the content goes
live; none compares fingerprints or checks own work itself.
"""

from typing import Protocol

from articles.fingerprint import snapshot_fingerprint
from articles.workflow import SIGN_OFF_PERMISSION, SYSTEM, Actor, NotAllowed, StaleVersion, require

CHANGED_SINCE_SUBMITTED = "This was changed after it was submitted; it must be submitted again before review."
CHANGED_WHILE_READING = "This changed while you were reading it. Reload it and review what is there now."


class Reviewable(Protocol):
    def review_snapshot(self) -> dict: ...

    def contributions(self) -> list[tuple[int, str]]: ...

    def own_people(self) -> list[tuple[int, str]]: ...


_blockers: list = []


def add_blocker(blocker) -> None:
    """`blocker(item) -> [reason, ...]`: something open that holds a sign-off (not a send-back), e.g. a
    clinical review comment (the comments app adds it from its `ready()`)."""
    if blocker not in _blockers:
        _blockers.append(blocker)


def blockers(item) -> list[str]:
    """Why `item` cannot be signed off yet, whoever signs ([] if nothing holds it)."""
    return [reason for blocker in _blockers for reason in blocker(item)]


def require_no_blockers(item) -> None:
    reasons = blockers(item)
    if reasons:
        raise NotAllowed("Something open holds the sign-off until it is resolved: " + "; ".join(reasons))


def fingerprint(item: Reviewable) -> str:
    return snapshot_fingerprint(item.review_snapshot())


def signer_refusal(*, user: Actor, reviewer) -> str:
    """Why `user` may not sign anything as `reviewer` ("" if they may)."""
    try:
        require(user, SIGN_OFF_PERMISSION, "sign off (only medical reviewers do)")
    except NotAllowed as refused:
        return str(refused)
    if reviewer is None:
        return "Your account is not linked to a person profile, so you cannot sign off."
    if user is not SYSTEM:
        if getattr(user, "person", None) != reviewer:
            return "You can only record a review under your own name; link your account to your person profile."
        if not reviewer.account_link_confirmed:
            return (
                f"The link between your account and {reviewer.name} changed and a superuser has not confirmed it "
                "yet; until then you cannot sign off."
            )
    if not reviewer.is_medical_reviewer:
        return f"{reviewer.name} is not a medical reviewer."
    return ""


def own_work_refusal(item: Reviewable, *, user: Actor, reviewer) -> str:
    """Why this is `reviewer`'s (or the account's) own work ("" if it is not)."""
    for person_id, relation in item.own_people():
        if person_id == reviewer.pk:
            return f"{reviewer.name} is {relation}, so another reviewer signs this off."
    account_id = getattr(user, "pk", None)  # None for the site itself (SYSTEM)
    if account_id is not None:
        for contributor_id, what in item.contributions():
            if contributor_id == account_id:
                return f"Your account {what}, so you cannot sign this off."
    return ""


def refusal(item: Reviewable, *, user: Actor, reviewer) -> str:
    """Why `user`, signing as `reviewer`, may not sign off, send back or decline `item` ("" if they may)."""
    return signer_refusal(user=user, reviewer=reviewer) or own_work_refusal(item, user=user, reviewer=reviewer)


def require_may_sign(item: Reviewable, *, user: Actor, reviewer) -> None:
    reason = refusal(item, user=user, reviewer=reviewer)
    if reason:
        raise NotAllowed(reason)


def matches(fingerprint_now: str, fingerprint_then: str) -> bool:
    """For pages that warn before anyone tries: was it changed since `fingerprint_then`?"""
    return bool(fingerprint_then) and fingerprint_now == fingerprint_then


def require_unchanged(item: Reviewable, *, seen: str, submitted: str | None = None) -> str:
    """The fingerprint of `item` now, if it equals what the reviewer saw (and what was submitted)."""
    current = fingerprint(item)
    if submitted is not None and current != submitted:
        raise StaleVersion(CHANGED_SINCE_SUBMITTED)
    if seen != current:
        raise StaleVersion(CHANGED_WHILE_READING)
    return current


def require_comment(comment: str) -> str:
    if not comment.strip():
        raise NotAllowed("Say what needs to change: a comment is required.")
    return comment.strip()
