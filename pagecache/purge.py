"""Telling a proxy (Varnish with xkey) what changed: ``PURGE`` with the keys in ``xkey-purge``."""

import logging
import threading
from collections.abc import Iterable
from http.client import HTTPConnection, HTTPException, HTTPSConnection
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)


def purge_twice(keys: Iterable[str]) -> None:
    """Purge now, and once more SPASMINFO_CACHE_PURGE_AGAIN_SECONDS later (0: not again): a page
    rendered from the data before the change but stored by the proxy just after the first
    purge (a render that began before the commit and was not caught by its tokens, e.g. with
    the site's page cache off) is dropped by the second."""
    keys = frozenset(keys)
    purge(keys)
    delay = settings.SPASMINFO_CACHE_PURGE_AGAIN_SECONDS
    if keys and delay > 0 and settings.SPASMINFO_CACHE_PURGE_URLS:
        timer = threading.Timer(delay, purge, args=(keys,))
        timer.daemon = True
        timer.start()


def purge(tags: Iterable[str]) -> None:
    """Ask every proxy in CACHE_PURGE_URL to drop the pages carrying any of `tags` (an xkey
    purge: `PURGE` with the keys in `xkey-purge`). Never raises: a proxy that is down must
    not fail the editorial step that changed the content; it is logged, and the page cache
    of the site itself is already fresh."""
    keys = " ".join(sorted(tags))
    if not keys:
        return
    for url in settings.SPASMINFO_CACHE_PURGE_URLS:
        parts = urlsplit(url)
        connection_class = HTTPSConnection if parts.scheme == "https" else HTTPConnection
        try:
            connection = connection_class(parts.hostname, parts.port, timeout=settings.SPASMINFO_CACHE_PURGE_TIMEOUT)
            try:
                connection.request("PURGE", parts.path or "/", headers={"xkey-purge": keys})
                status = connection.getresponse().status
            finally:
                connection.close()
        except (OSError, HTTPException) as error:
            logger.error("Purging %s at %s failed: %s", keys, url, error)
            continue
        if status != 200:
            logger.error("Purging %s at %s answered %s", keys, url, status)
