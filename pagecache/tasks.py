"""The worker's proxy purges (pagecache/purge.py)."""

from procrastinate.contrib.django import app

from operations.queue import RETRY
from operations.replica import wait_for_replicas
from pagecache.purge import PurgeFailed, send_purge


@app.task(name="purge_proxy", retry=RETRY)
def purge_proxy(*, url: str, keys: list[str]) -> None:
    """Purge `keys` at the proxy `url` once every read replica has replayed the change (a page
    the proxy fetches after the purge must not come from a replica that lags); a replica that
    lags too long or a proxy that is down fails the job, tried again later."""
    if not wait_for_replicas():
        raise PurgeFailed(f"The replica has not replayed the change yet; purging {' '.join(keys)} later")
    send_purge(url, keys)
