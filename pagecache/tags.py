"""Tags and their tokens: a change makes every page that depends on it miss, once it commits.

Each tag has a random token in the cache; a page (or a fragment below it) is kept with the
tokens it was rendered under and served only while they are all unchanged (middleware.py).
A change replaces its tags' tokens on commit, here, and purges the same keys at the proxy
(purge.py). Every page depends on ``content``, the site-wide content generation.

A *subject* is something pages show whose proxy keys depend on its state (for the editorial
core, an article: its own page and the lists it is in, articles/freshness.py). `changed`
purges its keys as they were before the change and as they are after it.
"""

import logging
import secrets
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction

from operations.replica import wait_for_replicas
from pagecache.purge import purge_twice

logger = logging.getLogger(__name__)

CONTENT = "content"  # the site-wide content generation: every cached page depends on it
MAX_SUBJECTS_PER_PURGE = 50  # a transaction changing more subjects purges `content` at the proxy

Keys = Callable[[], set[str]]  # a subject's proxy keys, read when called


def _tag_key(tag: str) -> str:
    return f"pagecache:tag:{tag}"


def _new_token() -> str:
    return secrets.token_hex(8)


class _Batch:
    """The replacements and purges of one transaction. Every change registers its own on-commit
    callback (so each runs, or is discarded with its savepoint, exactly as Django decides),
    but once one of them has replaced a tag or purged a key the others skip it: a bulk import
    that saves thousands of rows costs one cache write and one purge at commit, not thousands.

    `before` keeps each changed subject's proxy keys as they were when the transaction first
    touched it (`remember`), so the purge reaches the pages it leaves as well as those it joins."""

    def __init__(self, owner=None):
        self.owner = owner  # the outermost atomic block of the transaction (None: autocommit)
        self.done: set[str] = set()  # tags whose tokens were replaced in the site's page cache
        self.purged: set[str] = set()  # keys purged at the proxy
        self.subjects_done: set[str] = set()
        self.before: dict[str, set[str]] = {}
        self.memo: dict[str, dict] = {}  # lookups kept for the transaction (`transaction_memo`)
        self.keys: set[str] = set()  # to purge at commit (with the keys of `subjects`)
        self.subjects: dict[str, Keys] = {}

    def remember(self, subject: str, keys: Keys) -> None:
        if subject not in self.before:
            self.before[subject] = keys()

    def replace(self, tags: frozenset[str]) -> None:
        """At commit (the first callback to run does the purge for the whole transaction)."""
        tags = tags - self.done
        keys = self._keys_to_purge()
        if not tags and not keys:
            return
        self.done |= tags
        self.purged |= keys
        # Only once every read replica has replayed the change: a page rendered from a replica
        # before then read the old data, and would be kept under the new tokens
        # (operations/replica.py, docs/DEPLOYMENT.md "Read replicas").
        wait_for_replicas()
        try:
            if tags:
                failed = cache.set_many({_tag_key(tag): _new_token() for tag in tags}, timeout=None)
                if failed:  # the cache is unreachable (operations/cache.py): withdrawals still reach readers
                    logger.error(
                        "Could not replace %s in the page cache: pages kept before may be served until they "
                        "expire (never one that shows a withdrawn article: pagecache/withdrawn.py)",
                        " ".join(sorted(tags)),
                    )
        finally:
            purge_twice(keys)

    def _keys_to_purge(self) -> set[str]:
        subjects = {subject: keys for subject, keys in self.subjects.items() if subject not in self.subjects_done}
        self.subjects = {}
        keys, self.keys = self.keys, set()
        self.subjects_done |= set(subjects)
        if CONTENT in self.purged:
            return set()
        if len(subjects) > MAX_SUBJECTS_PER_PURGE:  # a bulk change: one purge of everything
            return {CONTENT}
        for subject, keys_now in subjects.items():
            keys |= self.before.get(subject, set()) | keys_now()
        return keys - self.purged


def _batch() -> _Batch:
    """The batch of the current transaction. A transaction that rolled back never ran its batch's
    callbacks: its batch must not be the next transaction's (its stale `before` keys and
    registered subjects would be purged in place of the new ones), so a batch belongs to the
    outermost atomic block it was made in."""
    connection = transaction.get_connection()
    owner = connection.atomic_blocks[0] if connection.atomic_blocks else None
    batch = getattr(connection, "_page_cache_batch", None)
    # nothing registered yet, another transaction's, or this transaction's purge already sent
    if batch is None or batch.owner is not owner or batch.done or batch.purged:
        batch = connection._page_cache_batch = _Batch(owner)
    return batch


def _on_commit(tags: Iterable[str], keys: Iterable[str] = (), subjects: dict[str, Keys] | None = None) -> None:
    """Replace `tags` in the site's page cache and purge `keys` and the keys of `subjects` at the
    proxy, once the current transaction commits. The purge is one request for the whole
    transaction (a savepoint rolled back may leave its keys in it: purged once too often)."""
    batch = _batch()
    batch.keys.update(keys)
    batch.subjects.update(subjects or {})
    tags = frozenset(tags)

    def replace_tokens_and_purge() -> None:
        # A function, not a functools.partial: Django names a failing robust callback by its
        # __qualname__, which a partial lacks (the error handler itself would raise).
        batch.replace(tags)

    transaction.on_commit(replace_tokens_and_purge, robust=True)


def invalidate(*tags: str) -> None:
    """Make every page that depends on any of the tags miss, once the current transaction
    commits: in the site's page cache, and at the proxy (the same keys)."""
    if tags:
        _on_commit(tags, keys=tags)


def content_changed() -> None:
    """A change that may show anywhere: every cached page misses at its next request (after
    commit), here and at the proxy."""
    invalidate(CONTENT)


def remember(subject: str, keys: Keys) -> None:
    """Note the subject's proxy keys as they are now, before a change (the first time in the
    transaction only), so the purge at commit reaches the pages it leaves."""
    _batch().remember(subject, keys)


def changed(subject: str, keys: Keys) -> None:
    """A change of `subject`: after commit, every page of the site's own cache misses (the
    content generation is replaced, the safe fallback), and the proxy purges exactly the
    subject's keys before the change (`remember`, read now if not yet) and after it (`keys()`,
    read at commit). A transaction that changes more than MAX_SUBJECTS_PER_PURGE subjects
    purges ``content`` at the proxy instead."""
    remember(subject, keys)
    _on_commit([CONTENT], subjects={subject: keys})


def replace_at_commit(*tags: str) -> None:
    """Replace the tags' tokens in the site's page cache only, once the transaction commits
    (a change that shows on no page of the proxy yet)."""
    _on_commit(tags)


def purge_at_commit(*keys: str) -> None:
    """Purge these keys at the proxy only, once the transaction commits."""
    _on_commit([], keys=keys)


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
