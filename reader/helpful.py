"""'Was this helpful?': one anonymous vote per browser per article.

The browser gets a random token in a long-lived, HttpOnly cookie; the database
keeps only an HMAC of it (keyed with SECRET_KEY), so a stored vote cannot be
traced back to a cookie without the key, and a unique constraint makes a second
vote from the same browser on the same article a no-op.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction

from pagecache.tags import invalidate
from reader.models import HelpfulVote

COOKIE_MAX_AGE = 60 * 60 * 24 * 365 * 2
TOKEN_PATTERN_LENGTH = 43  # secrets.token_urlsafe(32)


def votes_tag(slug: str) -> str:
    """The cache tag of what the article's votes change: its "N of M found this helpful"."""
    return f"votes:{slug}"


def voter_token(request) -> str | None:
    token = request.COOKIES.get(settings.SPASMINFO_VOTER_COOKIE, "")
    if len(token) == TOKEN_PATTERN_LENGTH and token.replace("-", "").replace("_", "").isalnum():
        return token
    return None


def voter_hash(token: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"helpful-vote:{token}".encode(), hashlib.sha256).hexdigest()


def existing_vote(request, article) -> HelpfulVote | None:
    """This browser's vote on the article, if any (no query when the browser has no token)."""
    token = voter_token(request)
    if token is None:
        return None
    return HelpfulVote.objects.filter(article=article, voter=voter_hash(token)).first()


def record_vote(request, response, article, helpful: bool) -> bool:
    """Record the browser's vote; False if it had already voted on this article."""
    token = voter_token(request)
    if token is None:
        token = secrets.token_urlsafe(32)
        response.set_cookie(
            settings.SPASMINFO_VOTER_COOKIE,
            token,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    try:
        with transaction.atomic():
            HelpfulVote.objects.create(article=article, voter=voter_hash(token), helpful=helpful)
    except IntegrityError:
        return False
    invalidate(votes_tag(article.slug))
    return True
