from .articles import Article, ArticleQuerySet, Series
from .events import ArticleEvent
from .people import Person
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
    "ArticleVersion",
    "FaqEntry",
    "ImmutableVersionError",
    "Person",
    "Reference",
    "Review",
    "Series",
    "VersionAuthor",
    "VersionCause",
]
