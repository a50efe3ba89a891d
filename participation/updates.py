"""Email updates: double opt-in, a periodic digest (participation/tasks.py), one-click unsubscribe.

Links carry a token signed with SECRET_KEY (django.core.signing: the subscription's id and a
random nonce kept on it), so nothing secret is stored and a new nonce revokes old links.
Every mail has an unsubscribe link in its text and the `List-Unsubscribe` and
`List-Unsubscribe-Post: List-Unsubscribe=One-Click` headers (RFC 8058): a mail client's
one-click POST to that address unsubscribes at once.
"""

import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from operations.mail import queue_mail, reader_mail
from participation.models import Subscription

SALT = "participation.updates"


def token_for(subscription: Subscription) -> str:
    return signing.dumps({"id": subscription.pk, "n": subscription.nonce}, salt=SALT)


def is_genuine(token: str) -> bool:
    """The token was made by this site (whether or not its subscription still exists)."""
    try:
        signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return False
    return True


def subscription_for(token: str) -> Subscription | None:
    try:
        data = signing.loads(token, salt=SALT)
        return Subscription.objects.select_related("topic").get(pk=int(data["id"]), nonce=str(data["n"]))
    except (signing.BadSignature, Subscription.DoesNotExist, KeyError, TypeError, ValueError):
        return None


def _absolute(name: str, token: str) -> str:
    return settings.SPASMINFO_SITE_URL + reverse(name, args=[token])


def _send(subscription: Subscription, subject: str, template: str, context: dict) -> None:
    token = token_for(subscription)
    unsubscribe = _absolute("participation:unsubscribe", token)
    body = render_to_string(
        template,
        {
            **context,
            "subscription": subscription,
            "confirm_url": _absolute("participation:confirm_updates", token),
            "unsubscribe_url": unsubscribe,
            "site_name": settings.SPASMINFO_SITE_NAME,
        },
    )
    queue_mail(
        reader_mail(
            subject=f"[{settings.SPASMINFO_SITE_NAME}] {subject}",
            text=body,
            to=[subscription.email],
            headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        )
    )


def _upsert(email: str, topic) -> int:
    """One statement whatever the address's state: insert the subscription, or give an unconfirmed
    one a fresh nonce (its old links stop working); a confirmed one keeps its nonce. Returns its id."""
    table = Subscription._meta.db_table
    target = "(email, topic_id)" if topic is not None else "(email) WHERE topic_id IS NULL"
    sql = (
        f"INSERT INTO {table} (email, topic_id, nonce, created_at) VALUES (%s, %s, %s, %s) "
        f"ON CONFLICT {target} DO UPDATE SET nonce = CASE WHEN {table}.confirmed_at IS NULL "
        f"THEN EXCLUDED.nonce ELSE {table}.nonce END RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [email, getattr(topic, "pk", None), secrets.token_hex(16), timezone.now()])
        return cursor.fetchone()[0]


@transaction.atomic
def subscribe(*, email: str, topic=None) -> Subscription:
    """Record the wish and mail the address: the confirmation (with fresh links) if it is not
    confirmed yet, else a note that it already gets the updates.

    Every branch does the same work (one upsert, one read, one mail rendered and sent), so
    neither the answer nor its timing tells whether an address is subscribed."""
    subscription = Subscription.objects.select_related("topic").get(pk=_upsert(email.lower(), topic))
    if subscription.confirmed_at is None:
        subject, template = "Please confirm your email updates", "emails/updates_confirm.txt"
    else:
        subject, template = "You already get these email updates", "emails/updates_already.txt"
    _send(subscription, subject, template, {})  # a job in this transaction: sent once it commits
    return subscription


def confirm(subscription: Subscription) -> None:
    if subscription.confirmed_at is None:
        subscription.confirmed_at = subscription.last_sent_at = timezone.now()
        subscription.save(update_fields=["confirmed_at", "last_sent_at"])


def unsubscribe(subscription: Subscription) -> None:
    subscription.delete()


def articles_since(subscription: Subscription, since: datetime.datetime, until: datetime.datetime):
    """Listed articles published or re-reviewed in (since, until], for the subscription's topic."""
    articles = (
        Article.objects.listed()
        .filter(last_reviewed_at__gt=since, last_reviewed_at__lte=until)
        .select_related("live_version")
        .order_by("-last_reviewed_at")
    )
    if subscription.topic_id:
        articles = articles.filter(topic_id=subscription.topic_id)
    return [(article, "new" if article.first_published_at > since else "newly reviewed") for article in articles]


def send_digests(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """One mail per confirmed subscription with something new since its last mail; idempotent."""
    now = now or timezone.now()
    sent = skipped = 0
    for subscription in Subscription.objects.confirmed().filter(Q(last_sent_at__lt=now) | Q(last_sent_at=None)):
        since = subscription.last_sent_at or subscription.confirmed_at
        items = articles_since(subscription, since, now)
        with transaction.atomic():  # the mail's job and the new last_sent_at: both or neither
            if items:
                context = {"items": items, "site_url": settings.SPASMINFO_SITE_URL}
                _send(subscription, "New and newly reviewed articles", "emails/updates_digest.txt", context)
                sent += 1
            else:
                skipped += 1
            Subscription.objects.filter(pk=subscription.pk).update(last_sent_at=now)
    return {"sent": sent, "nothing new": skipped}
