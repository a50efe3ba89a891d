"""A version cites the source library: its reference list, and the addresses the link check visits.

While a version is editable, its `Reference` rows are a snapshot of the library
sources its body and FAQ answers cite, numbered in order of first citation.
`sync_references` retakes that snapshot (on every admin save and on submit);
once submitted, the rows stay as they are, so the fingerprint holds, and a
signed-off version keeps them for good whatever happens to the library later.

Versions written before the library cite hand-numbered references ([@1]); they
keep working as they are, and `start_draft` moves a new draft of one onto keys.

The library itself (which entries a text cites, finding a work's entry) is
references/library.py; the link checker, references/linkcheck.py, visits the
reference URLs of live articles (`live_reference_urls`, registered in apps.py).
"""

from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from articles.models import Article, ArticleVersion, Reference
from references.keys import cited_keys, cited_numbers, rekey
from references.library import CitationReport, cited_sources, library_source_for
from references.models import LinkCheck, Source


def version_texts(version: ArticleVersion) -> list[str]:
    """Everything that can cite, in page order: the body, then the FAQ answers."""
    return [version.body, *version.faq_entries.order_by("position", "id").values_list("answer", flat=True)]


def reference_from(source: Source, *, version: ArticleVersion, number: int) -> Reference:
    return Reference(
        version=version,
        number=number,
        key=source.key,
        accessed=source.accessed,
        **{name: getattr(source, name) for name in Source.COPIED_FIELDS},
    )


def cited_references(version: ArticleVersion) -> tuple[list[Reference], CitationReport]:
    """The version's reference list as the library gives it now (unsaved rows), and what is wrong."""
    sources, report = cited_sources(version_texts(version))
    return [reference_from(source, version=version, number=n) for n, source in enumerate(sources, start=1)], report


def uses_library(version: ArticleVersion) -> bool:
    return bool(cited_keys(version_texts(version)))


def references_to_show(version: ArticleVersion) -> list[Reference]:
    """The reference list a page of this version shows: for an editable version citing the
    library, the library's entries as they are now (unsaved); otherwise the stored snapshot."""
    if version.is_editable and uses_library(version):
        return cited_references(version)[0]
    return list(version.references.order_by("number"))


@transaction.atomic
def sync_references(version: ArticleVersion) -> CitationReport:
    """Retake the editable version's reference snapshot from the library; say what is wrong.

    Errors (unknown keys, mixed numbering) stop a submission; warnings (a source
    no longer cited, a numbered reference nothing cites) do not.
    """
    if not version.is_editable:
        raise ValueError(f"Version {version.pk} is {version.status}: its references are frozen.")
    texts = version_texts(version)
    if not cited_keys(texts):
        report = CitationReport()
        cited = {n for text in texts for n in cited_numbers(text)}
        for ref in version.references.all():
            if ref.number not in cited:
                report.warnings.append(f"reference [{ref.number}] “{ref.title}” is not cited in the text")
        return report
    references, report = cited_references(version)
    before = {ref.key or f"[{ref.number}]": ref.title for ref in version.references.all()}
    dropped = [f"[@{k}]" if not k.startswith("[") else k for k in before if k not in {r.key for r in references}]
    if dropped:
        report.warnings.append("no longer cited, so removed from the references: " + ", ".join(dropped))
    current = [ref.snapshot() | {"key": ref.key} for ref in version.references.order_by("number")]
    wanted = [ref.snapshot() | {"key": ref.key} for ref in references]
    if current != wanted:
        version.references.all().delete()
        Reference.objects.bulk_create(references)
    return report


@transaction.atomic
def move_to_library(version: ArticleVersion) -> None:
    """Move an editable version's hand-numbered references into the library and cite them by key."""
    references = list(version.references.order_by("number"))
    if not references or uses_library(version):
        return
    keys = {ref.number: library_source_for(ref.snapshot() | {"accessed": ref.accessed}).key for ref in references}
    version.body = rekey(version.body, keys)
    version.save(update_fields=["body"])
    for entry in version.faq_entries.all():
        answer = rekey(entry.answer, keys)
        if answer != entry.answer:
            entry.answer = answer
            entry.save(update_fields=["answer"])
    sync_references(version)


# --- the link check -------------------------------------------------------------------------------------------------


def live_reference_urls() -> list[str]:
    """Distinct http(s) URLs cited by the live version of every live article, sorted."""
    urls = (
        Reference.objects.filter(version_id__in=Article.objects.live().values("live_version_id"))
        .exclude(url="")
        .values_list("url", flat=True)
        .distinct()
    )
    return sorted(url for url in urls if urlsplit(url).scheme in ("http", "https"))


def _count(references: QuerySet) -> Coalesce:
    counted = references.order_by().values("version_id").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_link_problem_counts(articles: QuerySet[Article]) -> QuerySet[Article]:
    """`dead_links` and `redirected_links` of each article's live version, as of the last check."""
    cited = Reference.objects.filter(version_id=OuterRef("live_version_id"))
    return articles.annotate(
        dead_links=_count(cited.filter(url__in=LinkCheck.objects.dead().values("url"))),
        redirected_links=_count(cited.filter(url__in=LinkCheck.objects.redirected().values("url"))),
    )
