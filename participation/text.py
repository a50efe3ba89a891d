"""What readers type, made safe to keep and to compare: one normalisation, one blocked-words check.

Readers' text is plain text. It is never rendered as HTML or Markdown: templates escape it and
turn line breaks into paragraphs, and links stay words (no urlize).
"""

import re
import unicodedata

# Control characters other than line breaks and tabs, and the "format" characters that
# change how text displays without being seen (zero-width joiners, bidi overrides, BOM).
_INVISIBLE = {"Cc", "Cf", "Co", "Cs"}
_KEEP = {"\n", "\t"}


def normalise(value: str, *, multiline: bool = False) -> str:
    """NFKC (full-width and compatibility forms become plain letters), invisible and control
    characters removed, spaces collapsed, at most one blank line in a row, trimmed."""
    value = unicodedata.normalize("NFKC", value or "")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(ch for ch in value if ch in _KEEP or unicodedata.category(ch) not in _INVISIBLE)
    if not multiline:
        value = value.replace("\n", " ")
    lines = [re.sub(r"[ \t\u00a0\u2000-\u200a\u3000]+", " ", line).strip() for line in value.split("\n")]
    value = "\n".join(lines)
    value = re.sub(r"\n{3,}", "\n\n", value)
    return value.strip()


def folded(value: str) -> str:
    """For comparisons: normalised, case-folded, accents removed."""
    decomposed = unicodedata.normalize("NFKD", normalise(value, multiline=True).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def blocked_words_in(value: str, words) -> list[str]:
    """The blocked words (or phrases) that occur in `value` as whole words, case and accents ignored."""
    text = folded(value)
    found = []
    for word in words:
        needle = folded(word)
        if needle and re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", text):
            found.append(word)
    return found
