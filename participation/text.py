"""What readers type, made safe to keep and to compare: one normalisation, one blocked-words check.

Readers' text is plain text. It is never rendered as HTML or Markdown: templates escape it and
turn line breaks into paragraphs, and links stay words (no urlize).
"""

import functools
import itertools
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


# --- blocked words -----------------------------------------------------------------------------
#
# A blocked word is found however it is disguised: look-alike letters from other scripts (Unicode's
# confusables.txt, through the confusable_homoglyphs package), full-width and other compatibility
# forms (NFKC), case (case folding), accents, invisible characters, letters spaced or punctuated
# apart ("i d i o t", "i.d.i.o.t", "id-iot") and digits or symbols standing for letters between
# letters ("1d10t", "!d!0t"). Text and word are reduced alike (`_shapes`) and compared as whole words.

# Digits and symbols read as letters inside a word.
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g"})
_LEET_SYMBOLS = {"@": "a", "$": "s", "!": "i", "|": "i", "+": "t"}
# 1, !, | and l stand for either i or l: one letter for all of them, in the text and the word alike.
_ONE_STROKE = str.maketrans({"l": "i"})
_SHORT_GAP = 3  # at most this many separator characters between letters that are joined up


@functools.cache
def _prototypes() -> dict[int, str]:
    """{code point: ASCII letters it is confusable with} for every non-ASCII character that Unicode's
    confusables data maps to plain ASCII letters or digits (Cyrillic a, Greek omicron, l with a stroke)."""
    from confusable_homoglyphs.confusables import confusables_data

    table = {}
    for character, entries in confusables_data.items():
        if len(character) != 1 or character.isascii():
            continue
        targets = set()
        for entry in entries:
            target = "".join(
                ch for ch in unicodedata.normalize("NFKD", entry["c"]) if not unicodedata.combining(ch)
            ).strip("\u200e\u200f")
            if target.isascii() and target.isalnum() and len(target) <= 3:
                targets.add(target)
        if len(targets) == 1:
            table[ord(character)] = targets.pop()
    return table


def _letters(value: str) -> str:
    """Normalised (NFKC, invisible characters gone), look-alikes made ASCII, case-folded, accents removed."""
    value = normalise(value, multiline=True).translate(_prototypes())  # capitals first: Greek Iota, Cyrillic Te
    value = value.casefold().translate(_prototypes())
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _is_wordish(ch: str) -> bool:
    return ch.isalnum() or ch in _LEET_SYMBOLS


def _as_letters(word: str, edges: bool) -> str:
    """A word's digits and symbols read as letters (only in a word that has a letter), one-stroke
    letters made one. Symbols at its edges are read as letters with `edges` ("!diot", "$hit"), else
    as punctuation ("hell!")."""
    if not edges:
        word = word.strip("".join(_LEET_SYMBOLS))
    if any(ch.isalpha() for ch in word):
        word = "".join(_LEET_SYMBOLS.get(ch, ch) for ch in word).translate(_LEET)
    return word.translate(_ONE_STROKE)


def _shapes(value: str) -> set[str]:
    """The text's words in four readings, each joined by single spaces: as written (split at every
    separator) or with letters joined up across short punctuation ("id-iot", "i.d.i.o.t") and
    single letters joined across short gaps ("i d i o t"); each with symbols at the edges of a
    word read as punctuation or as letters."""
    runs = [(wordish, "".join(chars)) for wordish, chars in itertools.groupby(_letters(value), _is_wordish)]
    as_written = [text for wordish, text in runs if wordish]
    joined: list[str] = []
    single_run = False  # the last word in `joined` is made of single letters joined up
    gap = None
    for wordish, text in runs:
        if not wordish:
            gap = text
            continue
        short = gap is not None and len(gap) <= _SHORT_GAP and "\n" not in gap
        inner_punctuation = short and not any(ch.isspace() for ch in gap)
        spaced_letter = short and len(text) == 1 and joined and (single_run or len(joined[-1]) == 1)
        if joined and (inner_punctuation or spaced_letter):
            single_run = spaced_letter or (single_run and inner_punctuation and len(text) == 1)
            joined[-1] += text
        else:
            joined.append(text)
            single_run = False
        gap = None
    return {" ".join(_as_letters(word, edges) for word in words) for words in (as_written, joined) for edges in (0, 1)}


@functools.lru_cache(maxsize=4096)
def _word_shapes(word: str) -> frozenset[str]:
    return frozenset(shape for shape in _shapes(word) if shape)


def blocked_words_in(value: str, words) -> list[str]:
    """The blocked words (or phrases) that occur in `value` as whole words, however disguised (above)."""
    texts = _shapes(value)
    found = []
    for word in words:
        for needle in _word_shapes(word):
            pattern = re.compile(rf"(?<!\S){re.escape(needle)}(?!\S)")
            if any(pattern.search(text) for text in texts):
                found.append(word)
                break
    return found
