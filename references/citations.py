"""One citation style for every reference (close to AMA / Vancouver)."""

from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".?!" else text + "."


def format_citation(ref) -> SafeString:
    """Authors. Title. Source. Year;Volume(Issue):Pages. doi / PMID / URL, accessed date."""
    parts = []
    if ref.authors:
        parts.append(format_html("{}", _sentence(ref.authors)))
    parts.append(format_html('<span class="ref-title">{}</span>', _sentence(ref.title)))

    if ref.kind == "journal":
        locator = f"{ref.year or ''}"
        if ref.volume:
            locator += f";{ref.volume}"
            if ref.issue:
                locator += f"({ref.issue})"
        if ref.pages:
            locator += f":{ref.pages}"
        if ref.source:
            parts.append(format_html("<cite>{}</cite>.", ref.source.rstrip(".")))
        if locator:
            parts.append(format_html("{}", _sentence(locator)))
    else:
        if ref.source:
            parts.append(
                format_html("{}", _sentence(ref.source) if ref.kind != "book" else ref.source.rstrip(".") + ";")
            )
        if ref.year:
            parts.append(format_html("{}", f"{ref.year}."))
        if ref.pages:
            parts.append(format_html("{}", f"p. {ref.pages}." if ref.kind == "book" else _sentence(ref.pages)))

    if ref.doi:
        parts.append(format_html('doi:<a href="https://doi.org/{}">{}</a>', ref.doi, ref.doi))
    if ref.pmid:
        parts.append(format_html('PMID: <a href="https://pubmed.ncbi.nlm.nih.gov/{}/">{}</a>', ref.pmid, ref.pmid))
    if ref.accessed:
        parts.append(format_html("Accessed {}.", date_format(ref.accessed, "F j, Y")))
    if ref.url and not ref.doi:
        parts.append(format_html('<a href="{}">{}</a>', ref.url, ref.url))
    return mark_safe(" ".join(str(part) for part in parts))
