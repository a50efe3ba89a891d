"""What an editorial change touches: exactly the pages that showed it miss, here and at the proxy.

The promise (pagecache/): a change that reaches readers shows on every public page at the next
request, and a change readers cannot see (a draft saved, submitted, sent back; a proposal of
supporting text awaiting sign-off) makes no page miss. It depends on nobody remembering anything:

- What a page shows is recorded while it renders: every article, person, cause, cause group,
  topic and series loaded (their `post_init`, `record_shown`) and the lists the reader's
  selectors declare (``cause:``, ``topic:``, ``person:``, ``series:``, ``listings``). These are
  the page's keys, in the site's cache and in its ``Surrogate-Key`` at the proxy.
- The one trigger is a generic receiver of every save and delete of every editorial model
  (`connect_signals`), which tells public changes from private ones by what changed: an
  article's public fields (not who is assigned, what is scheduled) of an article readers see or
  saw (`article_changed`: its keys before and after, ``listings`` included); any part of its live
  version; a public field of a person, cause, group, topic or series (not a pending proposal: its
  own key, and ``many``); a synonym or the search vocabulary (``listings``). Drafts, reviews, the
  timeline, the audit log and the source library show nowhere on their own: the step that makes
  them public saves the article. A model it does not know makes every page miss (``content``).
- A write that sends no signal (``QuerySet.update``, raw SQL) of something public must call
  `article_changed()` (or ``pagecache.tags.invalidate`` with the keys, or ``content_changed()``).
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


def group_key(pk: int) -> str:
    return f"group:{pk}"


def shown_key(list_key: str) -> str:
    """The key of the pages that show an item's own fields (a person's name, a cause's group), not
    the list named `list_key` (the articles a person wrote or reviewed): a sign-off that adds an
    article to a reviewer's list does not reach every page that names the reviewer."""
    return f"{list_key}:shown"


def article_changed(article_id: int) -> None:
    """A change of this article that readers see: after commit, exactly the pages that showed or
    listed it miss, here and at the proxy: its keys before the change and after it
    (`article_keys`). Called by the receivers (its saves note the keys before, pre_save)."""
    tags.changed(article_key(article_id), partial(article_keys, article_id))


def _remember(article_id: int) -> None:
    tags.remember(article_key(article_id), partial(article_keys, article_id))


# --- the one trigger: every editorial save and delete, public or not -------------------------

# Models that show on no public page on their own: a draft's parts until a sign-off saves the
# article, the timeline, reviews, the audit log, link checks, redirects (never kept: not a 200),
# the search documents of signed-off versions, and the source library (a signed-off version keeps
# its own copy of what it cites).
NOT_SHOWN = {
    "articles.ArticleEvent",
    "articles.AuditEntry",
    "articles.ArticleRedirect",
    "references.Source",
    "references.LinkCheck",
    "search.SearchDocument",
    # words for "did you mean": a version's are written at its sign-off (its article's change
    # invalidates every list), a cause's on every save of the cause (a public change of a
    # cause invalidates the lists too, below)
    "search.VocabularyWord",
}
# Fields that show nowhere: who is assigned, what is scheduled, who made it; a proposal of
# supporting text until a reviewer signs it off (taxonomy/reviewed_text.py).
PRIVATE_FIELDS = {
    "articles.Article": {"assigned_reviewer_id", "scheduled_version_id", "publish_at", "archive_at", "created_at"},
    "*": {
        "pending_text",
        "pending_by_id",
        "pending_since",
        "pending_editors",
        "created_by_id",
        "user_id",
        "email_notifications",
    },
}
# What changes the search pages (their synonyms): every list, LISTINGS.
SEARCH_WORDS = {"search.Synonym"}


def _item_keys() -> dict:
    from articles.models import Person, Series
    from taxonomy.models import Cause, CauseGroup, Topic

    return {Person: person_key, Cause: cause_key, CauseGroup: group_key, Topic: topic_key, Series: series_key}


def _row(instance) -> dict | None:
    """The instance's concrete fields as the database holds them now (before a save)."""
    fields = [field.attname for field in instance._meta.concrete_fields]
    return type(instance)._base_manager.using(DEFAULT_DB_ALIAS).filter(pk=instance.pk).values(*fields).first()


def _public_change(instance, created: bool) -> bool:
    """Whether the save changed a field readers may see (any, if what it was is not known)."""
    before = instance.__dict__.pop("_freshness_before", None)
    if created or before is None:
        return True
    private = PRIVATE_FIELDS["*"] | PRIVATE_FIELDS.get(instance._meta.label, set())
    return any(value != getattr(instance, name) for name, value in before.items() if name not in private)


def _live_version_of(version_id: int) -> int | None:
    """The article whose live version `version_id` is, or None (a draft, a version awaiting review,
    an older one): one query per version and transaction, however many parts."""
    from articles.models import ArticleVersion

    owners = tags.transaction_memo("live_versions")
    if version_id not in owners:
        row = (
            ArticleVersion.objects.using(DEFAULT_DB_ALIAS)
            .filter(pk=version_id, article__live_version_id=version_id)
            .values_list("article_id", flat=True)
        )
        owners[version_id] = row.first()
    return owners[version_id]


def _article_of(version_id: int) -> int | None:
    from articles.models import ArticleVersion

    return (
        ArticleVersion.objects.using(DEFAULT_DB_ALIAS)
        .filter(pk=version_id)
        .values_list("article_id", flat=True)
        .first()
    )


def _seen(article_id: int | None) -> bool:
    """Whether readers see, or saw, the article (live, or taken down)."""
    from articles.models import Article

    return (
        article_id is not None
        and Article.objects.using(DEFAULT_DB_ALIAS)
        .filter(Q(live_version__isnull=False) | Q(taken_down_at__isnull=False), pk=article_id)
        .exists()
    )


def _version_id(instance) -> int | None:
    from articles.models import ArticleVersion

    if isinstance(instance, ArticleVersion):
        return instance.pk
    version_id = instance._version_id() if hasattr(instance, "_version_id") else getattr(instance, "version_id", None)
    return version_id if isinstance(version_id, int) else None


def _before_editorial_change(sender, instance=None, action=None, **kwargs):
    """pre_save, pre_delete, m2m pre_*: what the row was, and an article's keys, before the change."""
    from articles.models import Article

    if action is not None and not action.startswith("pre_"):
        return
    if instance is None or instance.pk is None or instance._meta.label in NOT_SHOWN:
        return
    if action is None and _version_id(instance) is None:
        instance._freshness_before = _row(instance)
    if isinstance(instance, Article):
        _remember(instance.pk)


def _editorial_change(sender, instance=None, action=None, created=False, deleted=False, **kwargs):
    """post_save, post_delete, m2m post_*: invalidate what readers see of it, if anything."""
    from articles.models import Article, Review

    if action is not None and not action.startswith("post_"):
        return
    if instance is None or instance._meta.label in NOT_SHOWN:
        return
    public = deleted or action is not None or _public_change(instance, created)
    if isinstance(instance, Review):
        # a sign-off counts on the home page ("most reviewed") even before its version goes live
        article_id = _article_of(instance.version_id)
        if instance.outcome == Review.Outcome.APPROVED and _seen(article_id):
            article_changed(article_id)
        return
    if isinstance(instance, Article):
        before = getattr(instance, "_freshness_live_before", None)
        seen = instance.live_version_id or instance.taken_down_at or before or deleted
        if public and seen:
            article_changed(instance.pk)
        return
    version_id = _version_id(instance)
    if version_id is not None or hasattr(instance, "_version_id"):
        article_id = _live_version_of(version_id) if version_id else None
        if article_id is not None:  # a live version is immutable: only a repair reaches here
            article_changed(article_id)
        return
    if not public:
        return
    key = next((make(instance.pk) for model, make in _item_keys().items() if isinstance(instance, model)), None)
    if key is not None:
        tags.invalidate(shown_key(key), key, shown.MANY)  # the pages that show it, and its lists
        if instance._meta.label == "taxonomy.Cause":
            tags.invalidate(LISTINGS)  # its name is a word search suggests ("did you mean")
    elif instance._meta.label in SEARCH_WORDS:
        tags.invalidate(LISTINGS)
    else:
        tags.content_changed()


def _editorial_delete(sender, instance=None, **kwargs):
    _editorial_change(sender, instance=instance, deleted=True)


def _article_pre_save(sender, instance, **kwargs):
    before = instance.__dict__.get("_freshness_before")
    instance._freshness_live_before = before["live_version_id"] if before else None


def _article_loaded(sender, instance, **kwargs) -> None:
    """Every article loaded while a page renders is one the page shows (post_init)."""
    if instance.pk is not None:
        shown.shows(article_key(instance.pk), listed=True)


def _item_loaded(key):
    def loaded(sender, instance, **kwargs) -> None:
        """Every person, cause, group, topic or series loaded while a page renders is one it shows."""
        if instance.pk is not None:
            shown.shows(shown_key(key(instance.pk)))

    return loaded


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
    """Called from ArticlesConfig.ready(): the one receiver for every editorial model, the
    recorders of what a page shows, and the withdrawals' provider (pagecache/withdrawn.py)."""
    for model in editorial_models():
        uid = f"pagecache-{model._meta.label}"
        pre_save.connect(_before_editorial_change, sender=model, dispatch_uid=f"{uid}-pre-save")
        pre_delete.connect(_before_editorial_change, sender=model, dispatch_uid=f"{uid}-pre-delete")
        post_save.connect(_editorial_change, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_editorial_delete, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_editorial_change, sender=through, dispatch_uid=f"{uid}-{field.name}-m2m")
            m2m_changed.connect(_before_editorial_change, sender=through, dispatch_uid=f"{uid}-{field.name}-m2m-pre")
    article = apps.get_model("articles", "Article")
    pre_save.connect(_article_pre_save, sender=article, dispatch_uid="pagecache-article-live-before")
    post_init.connect(_article_loaded, sender=article, dispatch_uid="pagecache-shown")
    for model, key in _item_keys().items():
        post_init.connect(
            _item_loaded(key), sender=model, dispatch_uid=f"pagecache-shown-{model._meta.label}", weak=False
        )
    withdrawn.register(withdrawn_since)
