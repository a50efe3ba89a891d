"""Response schemas of the content API (django-ninja / pydantic): the OpenAPI schema is built from them.

Field names are schema.org's where it has one; keys starting with "@" are aliases.
"""

from ninja import Field, Schema


class Typed(Schema):
    type: str = Field(alias="@type")


class PersonRef(Typed):
    name: str
    url: str
    honorificSuffix: str | None = None
    sameAs: str | None = None


class Person(PersonRef):
    identifier: str
    description: str
    isMedicalReviewer: bool
    isFictional: bool


class ReviewAuthor(Typed):
    name: str
    honorificSuffix: str | None = None


class Review(Typed):
    datePublished: str
    author: ReviewAuthor
    reviewAspect: str
    name: str = Field(description='"First published", "Text updated" or "Re-reviewed, no changes".')
    reviewBody: str | None = Field(None, description="What changed: the editor's note, signed off with the version.")


class Citation(Typed):
    name: str
    author: str | None = None
    isPartOf: str | None = None
    publisher: str | None = None
    datePublished: str | None = None
    sameAs: str | None = None
    url: str | None = None


class About(Typed):
    name: str
    url: str | None = None


class Section(Typed):
    identifier: str
    name: str
    url: str


class Rendition(Typed):
    contentUrl: str
    width: int
    height: int
    encodingFormat: str


class Image(Typed):
    identifier: str
    contentUrl: str
    width: int
    height: int
    description: str = Field(description="The alt text signed off with the version; empty when decorative.")
    caption: str
    creditText: str
    thumbnail: list[Rendition] = Field(description="Every rendition (WebP and JPEG or PNG, several widths).")


class Answer(Typed):
    text: str


class Question(Typed):
    name: str
    acceptedAnswer: Answer


class TopicRef(Typed):
    identifier: str
    name: str
    url: str


class Topic(TopicRef):
    description: str


class CauseGroup(Typed):
    identifier: str
    name: str


class Cause(Typed):
    identifier: str
    name: str
    url: str
    description: str
    group: CauseGroup


class Series(Typed):
    name: str
    position: int | None


class Organization(Typed):
    name: str
    url: str


class Article(Typed):
    id: str = Field(alias="@id")
    identifier: str
    url: str
    api: str
    version: int
    name: str
    headline: str
    description: str
    inLanguage: str
    datePublished: str
    dateModified: str
    lastReviewed: str
    reviewedBy: PersonRef | None = None
    review: list[Review] = Field(
        description="The review history, newest first (lastReviewed and reviewedBy: the latest)."
    )
    nextReviewDue: str | None
    dateArchived: str | None
    changedAt: str
    author: list[PersonRef]
    citation: list[Citation]
    about: list[About]
    publisher: Organization
    genre: TopicRef
    isPartOf: Series | None
    text: str
    encodingFormat: str
    timeRequired: str
    hasPart: list[Section]
    image: str | None = Field(description="The first picture's largest JPEG or PNG rendition (as in the JSON-LD).")
    images: list[Image]
    faq: list[Question]


class Page(Schema):
    next: str | None = Field(description="The next page's URL (cursor pagination); null on the last page.")


class Removal(Typed):
    identifier: str
    url: str = Field(description="The article's address: it answers 410 Gone while the article is withdrawn.")
    dateRemoved: str = Field(description="When readers stopped getting it.")
    reason: str


class RemovalPage(Page):
    results: list[Removal]


class ArticlePage(Page):
    results: list[Article]


class PersonPage(Page):
    results: list[Person]


class CausePage(Page):
    results: list[Cause]


class TopicPage(Page):
    results: list[Topic]


class Error(Schema):
    detail: str


class InvalidParameter(Schema):
    type: str
    loc: list[str | int]
    msg: str


class ValidationError(Schema):
    """A parameter the operation cannot use (422): which, and why."""

    detail: list[InvalidParameter]
