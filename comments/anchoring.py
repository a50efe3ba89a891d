"""Where a comment's passage is in the text now: the passage itself plus a little context on each side
(the W3C Web Annotation TextQuoteSelector: exact, prefix, suffix), never a character offset, so an
anchor follows edits elsewhere in the text and says so when the passage itself was changed."""

from dataclasses import dataclass

CONTEXT = 32  # characters of context kept on each side of the passage
MAX_QUOTE = 2000


@dataclass(frozen=True)
class Anchor:
    quote: str
    prefix: str
    suffix: str


def _shared_tail(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _shared_head(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _lines(text: str) -> str:
    """Line ends as a page shows them: a textarea posts CRLF, an HTML page's text has LF."""
    return (text or "").replace("\r\n", "\n")


def locate(text: str, quote: str, prefix: str = "", suffix: str = "") -> tuple[int, int] | None:
    """(start, end) of the occurrence of `quote` in `text` whose surroundings best match `prefix` and
    `suffix`; None when the passage is no longer in the text. Positions are in `text` with LF line ends."""
    text, quote, prefix, suffix = _lines(text), _lines(quote), _lines(prefix), _lines(suffix)
    if not quote:
        return None
    best, best_score = None, -1
    start = text.find(quote)
    while start != -1:
        end = start + len(quote)
        score = _shared_tail(text[max(0, start - len(prefix)) : start], prefix) + _shared_head(
            text[end : end + len(suffix)], suffix
        )
        if score > best_score:
            best, best_score = (start, end), score
        start = text.find(quote, start + 1)
    return best


def anchor(text: str, quote: str, prefix: str = "", suffix: str = "") -> Anchor | None:
    """The anchor of `quote` in `text` (its context read from the text itself), or None if it is not there."""
    found = locate(text, quote, prefix, suffix)
    if found is None:
        return None
    text, (start, end) = _lines(text), found
    return Anchor(quote=text[start:end], prefix=text[max(0, start - CONTEXT) : start], suffix=text[end : end + CONTEXT])
