"""Cite-by-key: the library's side of a reference list.

A text cites library sources as [@key]; `cited_sources` finds the library's entries for
the keys a text cites, in order of first citation, and says what is wrong (unknown keys,
keys mixed with hand-numbered citations). `library_source_for` finds the library's entry
for a work, adding it if the library lacks it.

Whatever cites (an article version: articles/citing.py) passes its texts in and keeps its
own snapshot of the entries; nothing here knows who cites.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from references.keys import cited_keys, cited_numbers, identities, suggest_key
from references.models import Source


@dataclass
class CitationReport:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def cited_sources(texts: list[str]) -> tuple[list[Source], CitationReport]:
    """The library entries `texts` (read in order) cite by key, in order of first citation,
    and what is wrong."""
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
    return [library[key] for key in keys if key in library], report


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


def _identity_filter(fields: dict) -> Q:
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
