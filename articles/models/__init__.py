from .articles import Article, ArticleQuerySet, Series
from .audit import AuditEntry
from .events import ArticleEvent
from .links import LinkCheck
from .people import Person
from .redirects import ArticleRedirect
from .reviews import Review
from .search import Synonym, VocabularyWord
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
    "ArticleQuerySet",
    "ArticleRedirect",
    "ArticleVersion",
    "AuditEntry",
    "FaqEntry",
    "ImmutableVersionError",
    "LinkCheck",
    "Person",
    "Reference",
    "Review",
    "Series",
    "Source",
    "Synonym",
    "VersionAuthor",
    "VersionCause",
    "VocabularyWord",
]
