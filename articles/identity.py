"""Who may sign off as whom: the link between a person and an account, and reviewer status.

An editor who could re-link people to accounts could put a sign-off under another
reviewer's name. So:

- changing a person's account link or medical reviewer status needs the
  `articles.manage_signers` permission, which no group holds (superusers have it);
- every such change is written to the append-only audit log (before and after);
- a changed link signs nothing until a superuser confirms it (`confirm_account_link`):
  sign-off compares `Person.user` with `Person.signing_confirmed_user`, so a link
  changed by any route, the admin, a shell or an import, is caught the same way.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from articles.models import AuditEntry, Person
from articles.workflow import SYSTEM, Actor

MANAGE_SIGNERS_PERMISSION = "articles.manage_signers"
UNCHANGED: Any = object()  # "leave the account link as it is"


class IdentityError(Exception):
    """A change of signing identity that is not allowed; the message is for the person who tried."""


def _account(user) -> dict:
    return {"user_id": user.pk if user else None, "username": user.get_username() if user else None}


def _who(user: Actor):
    """The account to record as having made a change: None ("system") for the site itself."""
    if user is None:
        raise IdentityError("Say who is acting: a signed-in account, or workflow.SYSTEM for the site itself.")
    return None if user is SYSTEM else user


@transaction.atomic
def change_signing_identity(
    *,
    person: Person,
    user: Actor,
    account: AbstractBaseUser | None = UNCHANGED,
    is_medical_reviewer: bool | None = None,
) -> Person:
    """Link `person` to `account` (None unlinks) and/or set their reviewer status; audited.

    Arguments left out are not changed. A new link must be confirmed by a superuser
    before the person can sign off. `user` SYSTEM: a management command run by the site's
    operator (recorded as "system").
    """
    user = _who(user)
    if user is not None and not user.has_perm(MANAGE_SIGNERS_PERMISSION):
        raise IdentityError("Only a superuser may link people to accounts or change medical reviewer status.")
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
    fields = []
    if account is not UNCHANGED and account != person.user:
        if account is not None and Person.objects.filter(user=account).exclude(pk=person.pk).exists():
            raise IdentityError(f"The account “{account.get_username()}” is already linked to another person.")
        AuditEntry.record(
            AuditEntry.Kind.ACCOUNT_LINK, person, user=user, before=_account(person.user), after=_account(account)
        )
        person.user = account
        fields.append("user")
    if is_medical_reviewer is not None and is_medical_reviewer != person.is_medical_reviewer:
        AuditEntry.record(
            AuditEntry.Kind.REVIEWER_STATUS,
            person,
            user=user,
            before={"is_medical_reviewer": person.is_medical_reviewer},
            after={"is_medical_reviewer": is_medical_reviewer},
        )
        person.is_medical_reviewer = is_medical_reviewer
        fields.append("is_medical_reviewer")
    if fields:
        person.save(update_fields=fields)
    return person


@transaction.atomic
def confirm_account_link(*, person: Person, user: Actor) -> Person:
    """A superuser (or the operator's command, `user` SYSTEM) confirms that `person` signs in
    with the account now linked; audited."""
    user = _who(user)
    if user is not None and not user.is_superuser:
        raise IdentityError("Only a superuser may confirm an account link.")
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
    if person.user is None:
        raise IdentityError(f"{person.name} has no account to confirm.")
    if person.account_link_confirmed:
        return person
    AuditEntry.record(
        AuditEntry.Kind.LINK_CONFIRMED,
        person,
        user=user,
        before={"confirmed_user_id": person.signing_confirmed_user_id},
        after=_account(person.user),
    )
    person.signing_confirmed_user = person.user
    person.save(update_fields=["signing_confirmed_user"])
    return person


def signing_person(user: AbstractBaseUser) -> Person:
    """The person `user` signs off as: a medical reviewer whose account link a superuser confirmed."""
    if not user.has_perm("articles.sign_off_articleversion"):
        raise IdentityError("Only medical reviewers sign off.")
    person = Person.objects.filter(user_id=user.pk).first()
    if person is None:
        raise IdentityError("Your account is not linked to a person profile, so you cannot sign off.")
    if not person.account_link_confirmed:
        raise IdentityError("Your account link has not been confirmed by a superuser; until then you cannot sign off.")
    if not person.is_medical_reviewer:
        raise IdentityError(f"{person.name} is not a medical reviewer.")
    return person
