"""What an editorial change touches: which pages miss, which keys the proxy purges.

The promise (pagecache/): a change that reaches readers shows on every public page at the next
request. It does not depend on anyone remembering which page shows what:

- Every editorial change replaces the site-wide content generation (pagecache ``content``), on
  commit: any save or delete of a model of the editorial apps (one generic signal receiver,
  ``connect_signals``), and every workflow service and the ``publish_scheduled`` command through
  ``article_changed()``, which replaces it as well; after a write that sends no signal
  (``QuerySet.update``, raw SQL) call ``article_changed()`` or ``pagecache.tags.content_changed()``.
  Editorial changes are rare; each one makes every page miss once.
- At the proxy, a change of one article (``article_changed``: its workflow steps, and any save
  of the article or of its versions and their parts) purges only the article's keys before and
  after the change (``article_keys``): its own (``article:<pk>``, carried by every page that
  loaded it while rendering) and those of the lists it belongs to (``cause:``, ``topic:``,
  ``person:``, ``series:<pk>``, ``listings``), which the reader's selectors declare. Any other
  editorial change purges ``content``.
"""

import datetime
from functools import partial

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_delete, pre_save

from pagecache import shown, tags, withdrawn
from pagecache.shown import LISTINGS

# The apps whose models are editorial content: any save or delete of one of their models
# is an editorial change. Models written by readers live in other apps, with narrow tags
# (reader.helpful's votes:<slug>, participation.caching's stories:<slug>).
EDITORIAL_APPS = ("articles", "references", "search", "taxonomy")
# A new row of these shows on no page until a version that cites it is signed off (which purges
# that article's pages): a draft adding a work to the library purges nothing at the proxy.
SHOWN_ONLY_WHEN_CITED = {"references.Source"}


def article_key(pk: int) -> str:
    return f"article:{pk}"


def cause_key(pk: int) -> str:
    return f"cause:{pk}"


def topic_key(pk: int) -> str:
    return f"topic:{pk}"


def person_key(pk: int) -> str:
    return f"person:{pk}"


def series_key(pk: int) -> str:
    return f"series:{pk}"


def article_keys(article_id: int) -> set[str]:
    """The proxy keys of the pages that show this article, or list it, in its current state (read
    from the primary): its own, LISTINGS, and those of the lists it belongs to (its live
    version's causes and people, the last reviewer, its topic and series)."""
    from articles.models import Article, VersionAuthor, VersionCause

    keys = {article_key(article_id), LISTINGS}
    article = (
        Article.objects.using(DEFAULT_DB_ALIAS)
        .filter(pk=article_id)
        .values("topic_id", "series_id", "live_version_id", "last_reviewed_by_id")
        .first()
    )
    if article is None:
        return keys
    keys.add(topic_key(article["topic_id"]))
    if article["series_id"]:
        keys.add(series_key(article["series_id"]))
    if article["last_reviewed_by_id"]:
        keys.add(person_key(article["last_reviewed_by_id"]))
    if article["live_version_id"]:
        version = article["live_version_id"]
        causes = VersionCause.objects.using(DEFAULT_DB_ALIAS).filter(content_object_id=version)
        keys |= {cause_key(pk) for pk in causes.values_list("tag_id", flat=True)}
        people = VersionAuthor.objects.using(DEFAULT_DB_ALIAS).filter(version_id=version)
        keys |= {person_key(pk) for pk in people.values_list("person_id", flat=True)}
    return keys


def article_changed(article_id: int) -> None:
    """A change of this article (a workflow step, a save of the article or of a version or its
    parts): after commit, every page of the site's own cache misses (the content generation is
    replaced, the safe fallback), and the proxy purges exactly the keys of the article before
    the change and after it (`article_keys`). Call it before changing anything, so the keys
    before are read before the change (saves of its models record them too, pre_save)."""
    tags.changed(article_key(article_id), partial(article_keys, article_id))


def _remember(article_id: int) -> None:
    tags.remember(article_key(article_id), partial(article_keys, article_id))


# --- every editorial save and delete is an editorial change ----------------------------------


def _owner(instance) -> int | None:
    """The article whose content or state `instance` is (the article, a version, a version's part,
    review, event or redirect), or None: a change of anything else (a person, a cause, a
    source, a series) may show anywhere, and purges `content` at the proxy."""
    from articles.models import Article, ArticleVersion

    if isinstance(instance, Article):
        return instance.pk
    if isinstance(getattr(instance, "article_id", None), int):
        return instance.article_id
    version_id = instance._version_id() if hasattr(instance, "_version_id") else getattr(instance, "version_id", None)
    if not isinstance(version_id, int):
        return None
    owners = tags.transaction_memo("version_owners")  # one query per version and transaction, however many parts
    if version_id not in owners:
        owner = ArticleVersion.objects.using(DEFAULT_DB_ALIAS).filter(pk=version_id).values_list("article_id")
        owners[version_id] = next(iter(owner.first() or ()), None)
    return owners[version_id]


def _before_editorial_change(sender, instance=None, action=None, **kwargs):
    """pre_save, pre_delete, m2m pre_*: note the keys of the article as they are before the change."""
    if action is not None and not action.startswith("pre_"):
        return
    article_id = _owner(instance) if instance is not None and instance.pk is not None else None
    if article_id is not None:
        _remember(article_id)


def _editorial_change(sender, instance=None, action=None, created=False, **kwargs):
    if action is not None and not action.startswith("post_"):
        return
    article_id = _owner(instance) if instance is not None else None
    if article_id is not None:
        article_changed(article_id)
        if isinstance(getattr(instance, "tag_id", None), int):
            # a cause link, even a draft's: the candidates of the cause's related lists changed
            tags.purge_at_commit(cause_key(instance.tag_id))
    elif created and sender._meta.label in SHOWN_ONLY_WHEN_CITED:
        tags.replace_at_commit(tags.CONTENT)  # the site's cache as for any change; no page of the proxy shows it yet
    else:
        tags.content_changed()


def _article_loaded(sender, instance, **kwargs) -> None:
    """Every article loaded while a page renders is one the page shows (post_init)."""
    if instance.pk is not None:
        shown.shows(article_key(instance.pk))


def withdrawn_since(since: float) -> dict[str, float]:
    """The keys of the articles taken down or archived at or after `since` (a Unix time), with
    when; and LISTINGS, which every list they left carries (pagecache/withdrawn.py)."""
    from articles.models import Article

    moment = datetime.datetime.fromtimestamp(since, tz=datetime.UTC)
    rows = (
        Article.objects.using(DEFAULT_DB_ALIAS)
        .filter(Q(taken_down_at__gte=moment) | Q(archived_at__gte=moment))
        .values_list("pk", "taken_down_at", "archived_at")
    )
    keys: dict[str, float] = {}
    for pk, taken_down_at, archived_at in rows:
        when = max(at.timestamp() for at in (taken_down_at, archived_at) if at is not None and at >= moment)
        keys[article_key(pk)] = when
        keys[LISTINGS] = max(when, keys.get(LISTINGS, when))
    return keys


def editorial_models() -> list:
    """Every model of the editorial apps (with the through models of their many-to-many fields,
    connect_signals: add/remove/clear send only m2m_changed)."""
    return [model for label in EDITORIAL_APPS for model in apps.get_app_config(label).get_models()]


def connect_signals() -> None:
    """Called from ArticlesConfig.ready(): one receiver for every editorial model, and the
    collector of the articles a page shows."""
    for model in editorial_models():
        uid = f"pagecache-{model._meta.label}"
        pre_save.connect(_before_editorial_change, sender=model, dispatch_uid=f"{uid}-pre-save")
        pre_delete.connect(_before_editorial_change, sender=model, dispatch_uid=f"{uid}-pre-delete")
        post_save.connect(_editorial_change, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_editorial_change, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_editorial_change, sender=through, dispatch_uid=f"{uid}-{field.name}-m2m")
            m2m_changed.connect(_before_editorial_change, sender=through, dispatch_uid=f"{uid}-{field.name}-m2m-pre")
    post_init.connect(_article_loaded, sender=apps.get_model("articles", "Article"), dispatch_uid="pagecache-shown")
    withdrawn.register(withdrawn_since)
