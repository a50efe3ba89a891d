"""The workflow's shared vocabulary: who acts, what they may do, what refuses, and the timeline.

Every step that changes editorial content, in this app (services.py, lifecycle.py) and in
the apps that reuse its rules (participation, previews), speaks it:

    SYSTEM, SystemActor, Actor     who acts: a signed-in account, or the site itself
    require(user, permission, ...) refuse nobody (None) and anyone without the permission
    account(user)                  the account to store for who acted (None for the system)
    record(article, kind, ...)     one ArticleEvent on the article's timeline
    lock_article(article_id)       the article's row, locked for the rest of the transaction
    WorkflowError, NotAllowed, StaleVersion, IncompleteVersion
                                   what a step raises; the message is for the person who tried
    EDIT_PERMISSION, SIGN_OFF_PERMISSION
                                   editors edit versions; medical reviewers sign them off
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from articles.models import Article, ArticleEvent, ArticleVersion

SIGN_OFF_PERMISSION = "articles.sign_off_articleversion"
EDIT_PERMISSION = "articles.change_articleversion"


class WorkflowError(Exception):
    """A workflow step that cannot happen; the message is meant for the person who tried."""


class NotAllowed(WorkflowError):
    pass


class StaleVersion(WorkflowError):
    pass


class IncompleteVersion(WorkflowError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("This version is not ready for review: " + "; ".join(problems))


class SystemActor:
    """The site acting on its own behalf: every permission, no account, no person.

    Steps it takes are stored with no user ("system" on the timeline); it cannot sign off
    under a reviewer's name unless the caller says which reviewer (imported history).
    """

    is_authenticated = True
    is_active = True

    def has_perm(self, permission: str) -> bool:
        return True

    def __str__(self) -> str:
        return "system"

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()
Actor = AbstractBaseUser | SystemActor


def account(user: Actor):
    """The account to store for who acted: None for the system."""
    return None if isinstance(user, SystemActor) else user


def require(user: Actor, permission: str, action: str) -> None:
    """Refuse (NotAllowed) nobody, and anyone who lacks `permission`; `action` says what they tried."""
    if user is None:
        raise NotAllowed(f"Nobody may {action}: pass the signed-in user, or workflow.SYSTEM for the site itself.")
    if not user.has_perm(permission):
        raise NotAllowed(f"You do not have permission to {action}.")


def record(
    article: Article,
    kind: str,
    *,
    user: Actor,
    version: ArticleVersion | None = None,
    comment: str = "",
    at: datetime.datetime | None = None,
) -> ArticleEvent:
    """One event on the article's timeline: what happened (`kind`), by whom, to which version."""
    return ArticleEvent.objects.create(
        article=article,
        version=version,
        kind=kind,
        user=account(user),
        comment=comment,
        created_at=at or timezone.now(),
    )


def lock_article(article_id: int) -> Article:
    """Re-read the article under a row lock, so concurrent steps on it queue up."""
    return Article.objects.select_for_update().get(pk=article_id)
