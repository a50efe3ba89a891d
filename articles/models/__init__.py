from .articles import Article, ArticleQuerySet, Series
from .audit import AuditEntry
from .events import ArticleEvent
from .feedback import ArticleFeedback, HelpfulVote, with_helpful_counts
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
    "ArticleFeedback",
    "ArticleQuerySet",
    "ArticleRedirect",
    "ArticleVersion",
    "AuditEntry",
    "FaqEntry",
    "HelpfulVote",
    "ImmutableVersionError",
    "Person",
    "Reference",
    "Review",
    "Series",
    "VersionAuthor",
    "VersionCause",
    "with_helpful_counts",
]
