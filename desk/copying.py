"""Copy article: a new article whose first draft starts from the text and parts of any version."""

from django.db import transaction

from articles import citing, services
from articles.models import Article, ArticleVersion, FaqEntry, Reference, VersionAuthor, VersionCause
from images.usage import sync_images

COPIED_TEXT = ("summary", "body", "image_credits", "search_description", "social_image")


def _free_slug(slug: str) -> str:
    base = f"{slug[:180]}-copy"
    taken = set(Article.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidates = (base if n == 1 else f"{base}-{n}" for n in range(1, len(taken) + 2))
    return next(candidate for candidate in candidates if candidate not in taken)


@transaction.atomic
def copy_article(*, version: ArticleVersion, user) -> ArticleVersion:
    """A new article (slug `<slug>-copy`, same topic, no series) with a first draft holding `version`'s
    title, text, authors, causes, FAQ and references; its pictures are retaken from the library.
    The copy goes through review like any new article; the original is untouched."""
    original = version.article
    draft = services.create_article(
        article=Article(slug=_free_slug(original.slug), topic_id=original.topic_id),
        title=f"{version.title} (copy)",
        summary=version.summary,
        user=user,
    )
    for name in COPIED_TEXT:
        setattr(draft, name, getattr(version, name))
    draft.save()
    VersionAuthor.objects.bulk_create(
        VersionAuthor(version=draft, person_id=link.person_id, position=link.position)
        for link in version.author_links.all()
    )
    VersionCause.objects.bulk_create(
        VersionCause(content_object=draft, tag_id=link.tag_id) for link in version.cause_links.all()
    )
    FaqEntry.objects.bulk_create(
        FaqEntry(version=draft, question=entry.question, answer=entry.answer, position=entry.position)
        for entry in version.faq_entries.all()
    )
    Reference.objects.bulk_create(
        Reference(
            version=draft,
            **{field: getattr(ref, field) for field in Reference.SNAPSHOT_FIELDS},
            key=ref.key,
            accessed=ref.accessed,
        )
        for ref in version.references.all()
    )
    citing.sync_references(draft)
    sync_images(draft)
    return draft
