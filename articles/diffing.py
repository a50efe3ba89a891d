"""A readable diff of two versions' content, for the reviewer.

Text fields are compared line by line, and changed lines word by word, so a
reviewer sees exactly which words changed; references, causes and FAQ entries
are compared as items (added, removed, changed). All output is escaped HTML.
"""

import difflib
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from articles.models import ArticleVersion


@dataclass
class Change:
    label: str
    html: SafeString


def _words(old: str, new: str) -> SafeString:
    """Inline word diff: <del> for removed words, <ins> for added ones."""
    a, b = old.split(" "), new.split(" ")
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(' '.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(' '.join(b[j1:j2]))}</ins>")
    return mark_safe(" ".join(out))


def text_diff(old: str, new: str, context: int = 1) -> SafeString | None:
    """Changed lines with a little context; None when the texts are equal."""
    if old == new:
        return None
    a, b = old.splitlines(), new.splitlines()
    rows = []
    for group in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_grouped_opcodes(context):
        rows.append('<li class="diff-gap">…</li>')
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                rows.extend(f'<li class="diff-same">{escape(line)}</li>' for line in a[i1:i2])
            elif op == "replace" and (i2 - i1) == (j2 - j1):
                rows.extend(
                    f'<li class="diff-changed">{_words(x, y)}</li>' for x, y in zip(a[i1:i2], b[j1:j2], strict=True)
                )
            else:
                rows.extend(f'<li class="diff-removed"><del>{escape(line)}</del></li>' for line in a[i1:i2])
                rows.extend(f'<li class="diff-added"><ins>{escape(line)}</ins></li>' for line in b[j1:j2])
    return mark_safe('<ul class="diff">' + "".join(rows) + "</ul>")


def _items(old: dict, new: dict) -> SafeString | None:
    rows = []
    for key in sorted(set(old) | set(new), key=str):
        if key not in new:
            rows.append(format_html('<li class="diff-removed"><del>{}</del></li>', old[key]))
        elif key not in old:
            rows.append(format_html('<li class="diff-added"><ins>{}</ins></li>', new[key]))
        elif old[key] != new[key]:
            rows.append(format_html('<li class="diff-changed">{}</li>', _words(old[key], new[key])))
    return mark_safe('<ul class="diff">' + "".join(rows) + "</ul>") if rows else None


def _reference_lines(version: ArticleVersion) -> dict:
    return {
        str(ref.number): f"[{ref.number}] "
        + " · ".join(
            str(value)
            for value in (
                ref.authors,
                ref.title,
                ref.source,
                ref.year,
                ref.volume,
                ref.pages,
                ref.doi,
                ref.pmid,
                ref.url,
            )
            if value
        )
        for ref in version.references.all()
    }


TEXT_FIELDS = [
    ("Title", "title"),
    ("Summary", "summary"),
    ("Body", "body"),
    ("Image credits", "image_credits"),
    ("What changed (for readers)", "change_note"),
    ("Search description", "search_description"),
    ("Social image", "social_image"),
]


def comparable(version: ArticleVersion) -> dict:
    """The version's content as plain, JSON-safe data a diff compares: text fields as text, the
    parts as {key: line}. Kept on a send-back (`Review.content_shown`) to diff against later."""
    items = {
        "Authors": {str(i): link.person.byline for i, link in enumerate(version.author_links.select_related("person"))},
        "Causes": {c: c for c in version.cause_links.values_list("tag__name", flat=True)},
        "References": _reference_lines(version),
        "FAQ": {q: f"{q} — {a}" for q, a in version.faq_entries.values_list("question", "answer")},
        "Images": {
            link.key: " · ".join(
                value
                for value in (
                    link.key,
                    "decorative" if link.decorative else f"alt: {link.alt_text}",
                    link.caption,
                    link.credit,
                    f"file {link.sha256[:12]}",
                )
                if value
            )
            for link in version.image_links.order_by("position")
        },
    }
    return {"text": {label: getattr(version, field) for label, field in TEXT_FIELDS}, "items": items}


def changes_between(before: dict, after: dict) -> list[Change]:
    """What changed from one `comparable` to another."""
    changes = []
    for label, _ in TEXT_FIELDS:
        html = text_diff(before["text"].get(label, ""), after["text"].get(label, ""))
        if html:
            changes.append(Change(label, html))
    for label in after["items"]:
        html = _items(before["items"].get(label, {}), after["items"][label])
        if html:
            changes.append(Change(label, html))
    return changes


def version_changes(old: ArticleVersion | None, new: ArticleVersion) -> list[Change]:
    """What changed from `old` (the live version, another version, or None for a first version) to `new`."""
    if old is None:
        return []
    return changes_between(comparable(old), comparable(new))
