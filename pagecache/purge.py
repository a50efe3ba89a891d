"""Telling a proxy (Varnish with xkey) what changed: ``PURGE`` with the keys in ``xkey-purge``.

No request waits on a proxy: `purge_twice` queues one job per proxy (operations/queue.py), and
the worker sends it (`purge_proxy`, pagecache/tasks.py). A proxy that is down or answers an
error fails the job, which is tried again with a growing wait until the proxy takes it: its
pages are purged when it is back. A purge is idempotent, so a retry is harmless.
"""

from collections.abc import Iterable
from http.client import HTTPConnection, HTTPException, HTTPSConnection
from urllib.parse import urlsplit

from django.conf import settings


class PurgeFailed(Exception):
    """The proxy could not be reached, or did not answer 200."""


def purge_twice(keys: Iterable[str]) -> None:
    """Queue a purge of `keys` at every proxy now, and a second one SPASMINFO_CACHE_PURGE_AGAIN_SECONDS
    later (0: not again): a page rendered from the data before the change but stored by the
    proxy just after the first purge (a render that began before the commit and was not caught
    by its tokens, e.g. with the site's page cache off) is dropped by the second. Both are jobs,
    written now (in the current transaction, if any), so they survive a worker's restart."""
    from pagecache.tasks import purge_proxy

    keys = sorted(set(keys))
    if not keys:
        return
    delay = settings.SPASMINFO_CACHE_PURGE_AGAIN_SECONDS
    for url in settings.SPASMINFO_CACHE_PURGE_URLS:
        purge_proxy.defer(url=url, keys=keys)
        if delay > 0:
            purge_proxy.configure(schedule_in={"seconds": delay}).defer(url=url, keys=keys)


def purge(tags: Iterable[str]) -> None:
    """Ask every proxy in CACHE_PURGE_URL to drop the pages carrying any of `tags`, now, in this
    process (the worker's job does it for one proxy: `send_purge`). Raises PurgeFailed."""
    keys = sorted(set(tags))
    for url in settings.SPASMINFO_CACHE_PURGE_URLS:
        send_purge(url, keys)


def send_purge(url: str, keys: list[str]) -> None:
    """One xkey purge (`PURGE` with the keys in `xkey-purge`) at one proxy; PurgeFailed unless it answers 200."""
    if not keys:
        return
    parts = urlsplit(url)
    connection_class = HTTPSConnection if parts.scheme == "https" else HTTPConnection
    try:
        connection = connection_class(parts.hostname, parts.port, timeout=settings.SPASMINFO_CACHE_PURGE_TIMEOUT)
        try:
            connection.request("PURGE", parts.path or "/", headers={"xkey-purge": " ".join(keys)})
            status = connection.getresponse().status
        finally:
            connection.close()
    except (OSError, HTTPException) as error:
        raise PurgeFailed(f"Purging {' '.join(keys)} at {url} failed: {error}") from error
    if status != 200:
        raise PurgeFailed(f"Purging {' '.join(keys)} at {url} answered {status}")
