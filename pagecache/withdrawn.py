"""Withdrawals reach readers whatever the cache's state.

A change reaches kept pages by replacing tokens in the cache (tags.py). If the cache cannot be
written when it commits (Redis paused or down), pages kept before it would be served again once
the cache is back. For most changes that is a page a little late; for an article withdrawn from
readers (taken down for medical review, archived) it must not happen. So on the way out of the
cache, every kept page and fragment is checked against the database: each process holds the
keys of what was withdrawn recently (as long as a kept page can live), read from the primary by
the providers the apps register (for the editorial core: articles/freshness.py), at most once
every WITHDRAWN_REFRESH_SECONDS; a kept page that showed one of them, stored before (or just
after) it was withdrawn, is not served but rendered again.

A warm page runs no query of its own: one query per process and period, whatever the traffic.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable

from django.conf import settings

logger = logging.getLogger(__name__)

# Clocks of different servers, and the time between a change's timestamp and its commit: a page
# stored up to this long after a withdrawal's recorded time may still have read the data before it.
MARGIN_SECONDS = 60.0

Provider = Callable[[float], dict[str, float]]  # since (a timestamp) -> {key: when withdrawn}
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    """`provider(since)` gives the keys (as pages record them, shown.py) of everything withdrawn
    from readers at or after `since` (a Unix time), with when; read from the primary database."""
    if provider not in _providers:
        _providers.append(provider)


class _Recent:
    def __init__(self):
        self.keys: dict[str, float] = {}
        self.read_at = float("-inf")
        self.lock = threading.Lock()

    def get(self) -> dict[str, float]:
        now = time.monotonic()
        if now - self.read_at < settings.SPASMINFO_WITHDRAWN_REFRESH_SECONDS:
            return self.keys
        with self.lock:
            if now - self.read_at >= settings.SPASMINFO_WITHDRAWN_REFRESH_SECONDS:
                since = time.time() - settings.SPASMINFO_PAGE_CACHE_SECONDS - MARGIN_SECONDS
                keys: dict[str, float] = {}
                try:
                    for provider in _providers:
                        for key, when in provider(since).items():
                            keys[key] = max(when, keys.get(key, when))
                except Exception:  # the database is unreachable: keep what was known, ask again next time
                    logger.exception("Could not read recent withdrawals")
                else:
                    self.keys = keys
                self.read_at = time.monotonic()
        return self.keys

    def forget(self) -> None:
        """Read them again at the next check."""
        with self.lock:
            self.keys, self.read_at = {}, float("-inf")

    def assume_none(self) -> None:
        """Nothing withdrawn, as if just read (tests that count a page's queries start so)."""
        with self.lock:
            self.keys, self.read_at = {}, time.monotonic()


recent = _Recent()


def stale(keys: Iterable[str], stored_at: float | None) -> bool:
    """Whether a page (or fragment) kept at `stored_at` that showed `keys` may show something
    withdrawn since: then it must be rendered again, whatever its tokens say."""
    withdrawn = recent.get()
    if not withdrawn:
        return False
    if stored_at is None:  # kept by code that did not record when: not to be trusted
        return True
    return any(withdrawn.get(key, float("-inf")) >= stored_at - MARGIN_SECONDS for key in keys)
