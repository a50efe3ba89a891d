from .articles import Article, ArticleQuerySet, Series
from .audit import AuditEntry
from .events import ArticleEvent
from .feedback import ArticleFeedback, HelpfulVote, with_helpful_counts
from .links import LinkCheck
from .people import Person
from .redirects import ArticleRedirect
from .reviews import Review
from .sources import Source
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
    "LinkCheck",
    "Person",
    "Reference",
    "Review",
    "Series",
    "Source",
    "VersionAuthor",
    "VersionCause",
    "with_helpful_counts",
]
