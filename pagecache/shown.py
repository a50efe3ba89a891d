"""What a page shows: the keys a proxy purges it by (its ``Surrogate-Key`` header).

While a page renders, the items it shows (each known by its own key, e.g. ``article:<pk>``,
`shows`) and the lists it shows (memberships such as ``cause:<pk>``, or LISTINGS, `lists`)
are recorded; `page_keys` makes the page's keys of them.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

LISTINGS = "listings"  # every list an item can join or leave: home, A to Z, feed, sitemap, search, indexes
MAX_SHOWN_KEYS = 100  # a page that shows more items carries `listings` instead (bounded headers)


class _Shown:
    """The proxy keys of the page being rendered (`page_keys`)."""

    def __init__(self):
        self.items: set[str] = set()
        self.lists: set[str] = set()
        self.declared = False


_shown: ContextVar[_Shown | None] = ContextVar("page_cache_shown", default=None)


def shows(*keys: str) -> None:
    """The page being rendered shows these items (each by its own key): a change of one purges it."""
    shown = _shown.get()
    if shown is not None:
        shown.items.update(keys)


def lists(*keys: str) -> None:
    """The page being rendered lists the items of these memberships (e.g. ``cause:<pk>``, or
    LISTINGS): a change that makes an item join or leave one purges it. Called by the selectors
    that build the lists (the reader's selectors)."""
    shown = _shown.get()
    if shown is not None:
        shown.lists.update(keys)
        shown.declared = True


@contextmanager
def recording() -> Iterator[_Shown]:
    """Record apart what the code inside shows (items, lists declared), then add it to the page
    being rendered, if any. A cache below the page (the reader's article fragments) keeps the
    record with its work and replays it with `show` when it reuses the work without loading
    anything; the page cache records a whole page with it."""
    record = _Shown()
    marker = _shown.set(record)
    try:
        yield record
    finally:
        _shown.reset(marker)
        show(record)


def show(record: _Shown) -> None:
    """The page being rendered shows what `record` (from `recording`) showed."""
    shown = _shown.get()
    if shown is not None:
        shown.items |= record.items
        shown.lists |= record.lists
        shown.declared = shown.declared or record.declared


def keys_of(shown: _Shown) -> set[str]:
    """Every key `shown` recorded, items and lists, however many."""
    return shown.items | shown.lists


def page_keys(shown: _Shown) -> list[str]:
    """The proxy keys of a rendered page. Its items need no keys of their own on a page that
    carries LISTINGS (every change of an item purges it); a page that declared no list
    (`lists`) may show any list: it carries LISTINGS, so one that forgets is purged too often,
    never too rarely."""
    keys = set(shown.lists) if shown.declared else {LISTINGS}
    if LISTINGS not in keys and len(shown.items) > MAX_SHOWN_KEYS:
        keys.add(LISTINGS)
    if LISTINGS not in keys:
        keys |= shown.items
    return sorted(keys)
