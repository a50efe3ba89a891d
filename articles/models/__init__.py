from .articles import Article, ArticleQuerySet, Series
from .audit import AuditEntry
from .events import ArticleEvent
from .people import Person
from .redirects import ArticleRedirect
from .reviews import Review
from .versions import (
    ArticleVersion,
    FaqEntry,
    ImmutableVersionError,
    Reference,
    VersionAuthor,
    VersionCause,
)

__all__ = [
    "Article",
    "ArticleEvent",
    "ArticleQuerySet",
    "ArticleRedirect",
    "ArticleVersion",
    "AuditEntry",
    "FaqEntry",
    "ImmutableVersionError",
    "Person",
    "Reference",
    "Review",
    "Series",
    "VersionAuthor",
    "VersionCause",
]
