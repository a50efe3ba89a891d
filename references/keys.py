"""Plain functions behind cite-by-key references, with no model imports.

The data migration that moved numbered references into the source library, the
fixture converter (scripts/convert_fixture_references.py) and the app itself all
use these, so a source is recognised, keyed and cited the same way everywhere.

    [@maquirriain2007]             one source, by its library key
    [@maquirriain2007; @daroff2012] several (a comma works too)
    [@1], [@1,3]                   numbered references of versions written before the library
"""

import re
import unicodedata

TOKEN = r"[A-Za-z0-9][\w-]*"
CITATION_PATTERN = re.compile(rf"\[@({TOKEN}(?:\s*[,;]\s*@?{TOKEN})*)\]")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_-]*$")


def citation_tokens(match: re.Match) -> list[str]:
    """The keys or numbers of one citation marker, in order."""
    return [part.strip().lstrip("@") for part in re.split(r"[,;]", match.group(1))]


def is_number(token: str) -> bool:
    return token.isdigit()


def cited_keys(texts: list[str]) -> list[str]:
    """Library keys cited in `texts` (read in order), each once, in order of first citation."""
    seen: dict[str, None] = {}
    for text in texts:
        for match in CITATION_PATTERN.finditer(text or ""):
            for token in citation_tokens(match):
                if not is_number(token):
                    seen.setdefault(token, None)
    return list(seen)


def cited_numbers(text: str) -> list[int]:
    """Hand-given reference numbers cited in `text`, in order of first appearance."""
    seen: dict[int, None] = {}
    for match in CITATION_PATTERN.finditer(text or ""):
        for token in citation_tokens(match):
            if is_number(token):
                seen.setdefault(int(token), None)
    return list(seen)


def key_numbers(texts: list[str]) -> dict[str, int]:
    """{key: number}: sources are numbered 1, 2, ... in order of first citation."""
    return {key: number for number, key in enumerate(cited_keys(texts), start=1)}


def rekey(text: str, keys_by_number: dict[int, str]) -> str:
    """Rewrite numbered citations [@1,3] as keyed ones [@key1; @key3]; unknown numbers stay as they are."""

    def replace(match: re.Match) -> str:
        tokens = citation_tokens(match)
        if not all(is_number(t) and int(t) in keys_by_number for t in tokens):
            return match.group(0)
        return "[" + "; ".join(f"@{keys_by_number[int(t)]}" for t in tokens) + "]"

    return CITATION_PATTERN.sub(replace, text or "")


def _ascii_slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def suggest_key(fields: dict, taken: set[str]) -> str:
    """A readable key: first author's surname and the year ("maquirriain2007"), else the title's
    first words ("muscle-cramps"); "-2", "-3" ... when taken."""
    authors = (fields.get("authors") or "").strip()
    surname = _ascii_slug(re.split(r"[\s,]", authors, maxsplit=1)[0]) if authors else ""
    if surname:
        base = f"{surname.replace('-', '')}{fields.get('year') or ''}"
    else:
        small = {"a", "an", "and", "of", "the", "in", "on", "for", "to", "with"}
        words = [w for w in _ascii_slug(fields.get("title") or "").split("-") if w and w not in small][:3]
        base = "-".join(words) or "source"
    if not base[0].isalpha():
        base = f"s{base}"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def normalise_url(url: str) -> str:
    return (url or "").strip().rstrip("/")


def identities(fields: dict) -> list[tuple]:
    """What makes two entries the same work: DOI (any case), PMID, URL; with none of those,
    the same kind, title and year."""
    found = []
    if fields.get("doi"):
        found.append(("doi", fields["doi"].strip().lower()))
    if fields.get("pmid"):
        found.append(("pmid", str(fields["pmid"]).strip()))
    if fields.get("url"):
        found.append(("url", normalise_url(fields["url"])))
    if not found:
        title = re.sub(r"\s+", " ", (fields.get("title") or "").strip().lower()).rstrip(".")
        found.append(("title", fields.get("kind") or "", title, str(fields.get("year") or "")))
    return found
