"""The worker's proxy purges (pagecache/purge.py)."""

from procrastinate.contrib.django import app

from operations.queue import RETRY
from pagecache.purge import send_purge


@app.task(name="purge_proxy", retry=RETRY)
def purge_proxy(*, url: str, keys: list[str]) -> None:
    """Purge `keys` at the proxy `url`; a proxy that is down fails the job, tried again later."""
    send_purge(url, keys)
