"""Tags and their tokens: a change makes exactly the pages that showed it miss, once it commits.

Each tag has a random token in the cache; a page (or a fragment below it) is kept with the
tokens of every tag it depends on and served only while they are all unchanged
(middleware.py). Its tags are its proxy keys, recorded while it rendered (shown.py: the items it
showed, e.g. ``article:<pk>``, and the lists it showed, e.g. ``cause:<pk>``, ``listings``), the
narrow tags its view declares (``votes:<slug>``), and ``content``, which only a change of
everything replaces (a restored backup, a bulk load). A change replaces its keys' tokens on
commit, here, and purges the same keys at the proxy (purge.py): the same pages miss in both.

Every replacement also replaces the *epoch*, a token no page is kept under: a page rendered
while any change committed (the epoch differs before and after) is served but not kept, as it
may show the data before the change under the tokens after it.

A *subject* is something pages show whose keys depend on its state (for the editorial core, an
article: its own page and the lists it is in, articles/freshness.py). `changed` invalidates its
keys as they were before the change and as they are after it.
"""

import logging
import secrets
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction

from operations.replica import wait_for_replicas
from pagecache.purge import purge_twice

logger = logging.getLogger(__name__)

CONTENT = "content"  # everything: every kept page depends on it (a restored backup replaces it)
EPOCH = "pagecache:epoch"  # replaced with every change; no page is kept under it
MAX_SUBJECTS_PER_PURGE = 50  # a transaction changing more subjects invalidates `content`

Keys = Callable[[], set[str]]  # a subject's keys, read when called


def _tag_key(tag: str) -> str:
    return f"pagecache:tag:{tag}"


def _new_token() -> str:
    return secrets.token_hex(8)


class _Batch:
    """The invalidations of one transaction. Every change registers its own on-commit callback
    (so each runs, or is discarded with its savepoint, exactly as Django decides), which
    invalidates its own keys and subjects, skipping what an earlier one of the transaction did:
    many saves of one article cost one write and one purge. A transaction that changes more
    than MAX_SUBJECTS_PER_PURGE subjects (a bulk import) invalidates ``content`` once instead.

    `before` keeps each changed subject's keys as they were when the transaction first touched
    it (`remember`), so the invalidation reaches the pages it leaves as well as those it joins."""

    def __init__(self, owner=None):
        self.owner = owner  # the outermost atomic block of the transaction (None: autocommit)
        self.done: set[str] = set()  # keys invalidated (tokens replaced, purged at the proxy)
        self.subjects: set[str] = set()  # every subject the transaction changed
        self.subjects_done: set[str] = set()
        self.before: dict[str, set[str]] = {}
        self.memo: dict[str, dict] = {}  # lookups kept for the transaction (`transaction_memo`)

    def remember(self, subject: str, keys: Keys) -> None:
        if subject not in self.before:
            self.before[subject] = keys()

    def invalidate(self, keys: frozenset[str], subjects: dict[str, Keys]) -> None:
        """At commit: `keys` and the keys of `subjects`, less what is done."""
        keys = self._keys(keys, subjects) - self.done
        if not keys:
            return
        self.done |= keys
        # Only once every read replica has replayed the change: a page rendered from a replica
        # before then read the old data, and would be kept under the new tokens
        # (operations/replica.py, docs/DEPLOYMENT.md "Read replicas").
        wait_for_replicas()
        try:
            tokens = {_tag_key(key): _new_token() for key in keys}
            failed = cache.set_many({**tokens, EPOCH: _new_token()}, timeout=None)
            if failed:  # the cache is unreachable (operations/cache.py): withdrawals still reach readers
                logger.error(
                    "Could not replace %s in the page cache: pages kept before may be served until they "
                    "expire (never one that shows a withdrawn article: pagecache/withdrawn.py)",
                    " ".join(sorted(keys)),
                )
        finally:
            purge_twice(keys)

    def _keys(self, keys: frozenset[str], subjects: dict[str, Keys]) -> set[str]:
        if CONTENT in self.done:
            return set()
        if CONTENT in keys or len(self.subjects) > MAX_SUBJECTS_PER_PURGE:  # everything
            return {CONTENT}
        keys = set(keys)
        for subject, keys_now in subjects.items():
            if subject not in self.subjects_done:
                self.subjects_done.add(subject)
                keys |= self.before.get(subject, set()) | keys_now()
        return keys


def _batch() -> _Batch:
    """The batch of the current transaction. A transaction that rolled back never ran its batch's
    callbacks: its batch must not be the next transaction's (its stale `before` keys and
    registered subjects would be invalidated in place of the new ones), so a batch belongs to
    the outermost atomic block it was made in."""
    connection = transaction.get_connection()
    owner = connection.atomic_blocks[0] if connection.atomic_blocks else None
    batch = getattr(connection, "_page_cache_batch", None)
    # nothing registered yet, another transaction's, or this transaction's invalidation already done
    if batch is None or batch.owner is not owner or batch.done:
        batch = connection._page_cache_batch = _Batch(owner)
    return batch


def _on_commit(keys: Iterable[str] = (), subjects: dict[str, Keys] | None = None) -> None:
    """Invalidate `keys` and the keys of `subjects`, here and at the proxy, once the current
    transaction commits."""
    batch = _batch()
    keys, subjects = frozenset(keys), dict(subjects or {})
    batch.subjects |= set(subjects)

    def invalidate_at_commit() -> None:
        # A function, not a functools.partial: Django names a failing robust callback by its
        # __qualname__, which a partial lacks (the error handler itself would raise).
        batch.invalidate(keys, subjects)

    transaction.on_commit(invalidate_at_commit, robust=True)


def invalidate(*tags: str) -> None:
    """Make every page that depends on any of the tags miss, once the current transaction
    commits: in the site's page cache, and at the proxy (the same keys)."""
    if tags:
        _on_commit(tags)


def content_changed() -> None:
    """A change that may show anywhere (a restored backup, a bulk load): every kept page misses
    at its next request (after commit), here and at the proxy."""
    invalidate(CONTENT)


def remember(subject: str, keys: Keys) -> None:
    """Note the subject's keys as they are now, before a change (the first time in the
    transaction only), so the invalidation at commit reaches the pages it leaves."""
    _batch().remember(subject, keys)


def changed(subject: str, keys: Keys) -> None:
    """A change of `subject`: after commit, exactly the pages that showed it miss, here and at
    the proxy: its keys before the change (`remember`, read now if not yet) and after it
    (`keys()`, read at commit). A transaction that changes more than MAX_SUBJECTS_PER_PURGE
    subjects invalidates ``content`` instead."""
    remember(subject, keys)
    _on_commit(subjects={subject: keys})


def transaction_memo(name: str) -> dict:
    """A dict that lives as long as the current transaction's batch: for lookups a change needs
    many times in one transaction (e.g. which article a version belongs to)."""
    return _batch().memo.setdefault(name, {})


def token_key(tag: str) -> str:
    """Where a tag's token is kept: to read it with other keys in one `get_many` (`tokens`)."""
    return _tag_key(tag)


def tokens(tags: Iterable[str], found: dict | None = None) -> dict[str, str] | None:
    """The current tokens of `tags` (created if missing), by tag; None if the cache keeps none.

    For caches below the page (the reader's article fragments): work kept under these tokens
    is fresh exactly as long as a cached page with these tags is. `found` may hold the result of
    a `get_many` that included their `token_key`s, to read them in the same round trip."""
    tags = list(tags)
    kept = tokens_before_rendering([_tag_key(tag) for tag in tags], found or {})
    return None if kept is None else {tag: kept[_tag_key(tag)] for tag in tags}


def tokens_before_rendering(tag_keys: list[str], found: dict) -> dict | None:
    """The tags' tokens to store the page under, creating missing ones (never seen, or evicted)."""
    tokens = {key: found[key] for key in tag_keys if key in found}
    missing = [key for key in tag_keys if key not in tokens]
    if missing:
        for key in missing:
            cache.add(key, _new_token(), timeout=None)  # keeps a token another process set meanwhile
        tokens.update(cache.get_many(missing))
    return tokens if len(tokens) == len(tag_keys) else None  # None: the cache is not keeping them


def epoch_before_rendering(found: dict) -> str | None:
    """The epoch as work begins (created if missing; `found` may hold it already): pass it to
    `tokens_after_rendering`. None if the cache keeps nothing."""
    kept = tokens_before_rendering([EPOCH], found)
    return None if kept is None else kept[EPOCH]


class ChangedWhileRendering(Exception):
    """A change committed while the work was done: it may show the data before it."""


def tokens_after_rendering(tags: Iterable[str], epoch: str | None) -> dict | None:
    """The tokens (by token key) to keep work that showed `tags` under, read in one round trip
    with the epoch; None if the cache keeps nothing. Raises ChangedWhileRendering if any change
    committed since `epoch` was read (serve the work, keep it nowhere)."""
    if epoch is None:
        return None
    tag_keys = [_tag_key(tag) for tag in dict.fromkeys(tags)]
    found = cache.get_many([EPOCH, *tag_keys])
    if not found:
        return None  # unreachable, or everything evicted: keep nothing
    if found.get(EPOCH) != epoch:
        raise ChangedWhileRendering
    return tokens_before_rendering(tag_keys, found)


def current(tokens: dict, found: dict) -> bool:
    """Work kept under `tokens` (by token key) is still fresh, by `found` (a get_many of them)."""
    return all(found.get(key) == token for key, token in tokens.items())
