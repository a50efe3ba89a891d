"""Signed values that are the same every time they are made.

`django.core.signing.dumps` stamps the moment of signing, so the same value signed a second
later is a different string: a link shown twice has two addresses, and a page that carries one
(an API page's `next` cursor) has a new ETag every second. `dumps_as_of(obj, moment, salt=...)`
stamps a given moment instead: the link's creation, or none that matters (the epoch) for a
value whose age is never checked. `signing.loads` reads both, as before.
"""

import datetime

from django.core import signing

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class _SignedAsOf(signing.TimestampSigner):
    """A TimestampSigner whose timestamp is a given moment, not the time of signing."""

    def __init__(self, moment: datetime.datetime, **kwargs):
        super().__init__(**kwargs)
        self.moment = moment

    def timestamp(self) -> str:
        return signing.b62_encode(int(self.moment.timestamp()))


def dumps_as_of(obj, moment: datetime.datetime = EPOCH, *, salt: str) -> str:
    """`signing.dumps(obj, salt=salt)` as if signed at `moment` (read it with `signing.loads`)."""
    return _SignedAsOf(moment, salt=salt).sign_object(obj)
