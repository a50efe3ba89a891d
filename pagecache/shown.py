"""What a page shows: the keys a proxy purges it by (its ``Surrogate-Key`` header).

While a page renders, the items it shows (each known by its own key, e.g. ``article:<pk>``,
`shows`) and the lists it shows (memberships such as ``cause:<pk>``, or LISTINGS, `lists`)
are recorded; `page_keys` makes the page's keys of them.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

LISTINGS = "listings"  # every list an item can join or leave: home, A to Z, feed, sitemap, search, indexes
MANY = "many"  # a page that shows more items than it names (other than those LISTINGS covers)
MAX_SHOWN_KEYS = 100  # a page that shows more items carries `listings` or `many` instead (bounded headers)


class Record:
    """The proxy keys of the page being rendered (`page_keys`)."""

    def __init__(self):
        self.items: set[str] = set()
        self.listed: set[str] = set()  # items every change of which invalidates LISTINGS too
        self.lists: set[str] = set()
        self.declared = False


_shown: ContextVar[Record | None] = ContextVar("page_cache_shown", default=None)


def shows(*keys: str, listed: bool = False) -> None:
    """The page being rendered shows these items (each by its own key): a change of one purges it.

    `listed`: every change of such an item invalidates LISTINGS as well (an article), so a page
    that carries LISTINGS need not name it. A change of any other item invalidates its key and
    MANY, which a page that shows more such items than MAX_SHOWN_KEYS carries instead."""
    shown = _shown.get()
    if shown is not None:
        (shown.listed if listed else shown.items).update(keys)


def lists(*keys: str) -> None:
    """The page being rendered lists the items of these memberships (e.g. ``cause:<pk>``, or
    LISTINGS): a change that makes an item join or leave one purges it. Called by the selectors
    that build the lists (the reader's selectors)."""
    shown = _shown.get()
    if shown is not None:
        shown.lists.update(keys)
        shown.declared = True


@contextmanager
def recording() -> Iterator[Record]:
    """Record apart what the code inside shows (items, lists declared), then add it to the page
    being rendered, if any. A cache below the page (the reader's article fragments) keeps the
    record with its work and replays it with `show` when it reuses the work without loading
    anything; the page cache records a whole page with it."""
    record = Record()
    marker = _shown.set(record)
    try:
        yield record
    finally:
        _shown.reset(marker)
        show(record)


def show(record: Record) -> None:
    """The page being rendered shows what `record` (from `recording`) showed."""
    shown = _shown.get()
    if shown is not None:
        shown.items |= record.items
        shown.listed |= record.listed
        shown.lists |= record.lists
        shown.declared = shown.declared or record.declared


def keys_of(shown: Record) -> set[str]:
    """Every key `shown` recorded, items and lists, however many."""
    return shown.items | shown.listed | shown.lists


def page_keys(shown: Record) -> list[str]:
    """The keys of a rendered page (its Surrogate-Key, and the tags it is kept under). Its listed
    items need no keys of their own on a page that carries LISTINGS (every change of one
    invalidates it); a page that declared no list (`lists`) may show any list: it carries
    LISTINGS, so one that forgets is invalidated too often, never too rarely."""
    keys = set(shown.lists) if shown.declared else {LISTINGS}
    if LISTINGS not in keys and len(shown.listed) > MAX_SHOWN_KEYS:
        keys.add(LISTINGS)
    if LISTINGS not in keys:
        keys |= shown.listed
    keys |= {MANY} if len(shown.items) > MAX_SHOWN_KEYS else shown.items
    return sorted(keys)
