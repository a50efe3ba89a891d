"""Cite-by-key: a version's reference list taken from the source library.

While a version is editable, its `Reference` rows are a snapshot of the library
sources its body and FAQ answers cite, numbered in order of first citation.
`sync_references` retakes that snapshot (on every admin save and on submit);
once submitted, the rows stay as they are, so the fingerprint holds, and a
signed-off version keeps them for good whatever happens to the library later.

Versions written before the library cite hand-numbered references ([@1]); they
keep working as they are, and `start_draft` moves a new draft of one onto keys.
"""

from dataclasses import dataclass, field

from django.db import transaction

from articles.models import ArticleVersion, Reference, Source
from references.keys import cited_keys, cited_numbers, identities, rekey, suggest_key


@dataclass
class CitationReport:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


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
    texts = version_texts(version)
    keys = cited_keys(texts)
    report = CitationReport()
    if not keys:
        return [], report
    if any(cited_numbers(text) for text in texts):
        report.errors.append(
            "the text mixes numbered citations like [@1] with library keys; cite every source by its key"
        )
    library = Source.objects.in_bulk(keys, field_name="key")
    unknown = [key for key in keys if key not in library]
    if unknown:
        report.errors.append(
            "the text cites "
            + ", ".join(f"[@{key}]" for key in unknown)
            + ", not in the source library (add the source under Sources, or correct the key)"
        )
    known = [library[key] for key in keys if key in library]
    return [reference_from(source, version=version, number=n) for n, source in enumerate(known, start=1)], report


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


def library_source_for(fields: dict) -> Source:
    """The library's entry for a reference's work, added if the library lacks it."""
    wanted = identities(fields)
    for source in Source.objects.filter(_identity_filter(fields)):
        known = identities({name: getattr(source, name) for name in ("doi", "pmid", "url", "title", "kind", "year")})
        if set(known) & set(wanted):
            return source
    taken = set(Source.objects.values_list("key", flat=True))
    source = Source(
        key=suggest_key(fields, taken),
        kind=fields.get("kind") or Source.Kind.JOURNAL,
        title=fields.get("title") or "",
        year=fields.get("year"),
        accessed=fields.get("accessed"),
        **{
            name: fields.get(name) or ""
            for name in ("authors", "source", "volume", "issue", "pages", "url", "pmid", "doi")
        },
    )
    source.save()
    return source


def _identity_filter(fields: dict):
    from django.db.models import Q

    query = Q(pk__in=[])
    if fields.get("doi"):
        query |= Q(doi__iexact=fields["doi"].strip())
    if fields.get("pmid"):
        query |= Q(pmid=str(fields["pmid"]).strip())
    if fields.get("url"):
        query |= Q(url__startswith=fields["url"].strip().rstrip("/"))
    if fields.get("title"):
        query |= Q(title__iexact=fields["title"].strip())
    return query


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
