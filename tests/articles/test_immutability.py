# ruff: noqa: E501  (one write path per line, so the list reads as a table)
"""The database itself refuses every write to signed-off content and to review history.

Each path below bypasses `Model.save()`/`delete()` (or finds a gap in them), and PostgreSQL's
triggers refuse it.
"""

from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from articles import services
from articles.immutability import guard_names, guards_suspended, installed_guard_names, part_tables
from articles.models import (
    Article,
    ArticleEvent,
    ArticleVersion,
    FaqEntry,
    ImmutableVersionError,
    Person,
    Reference,
    Review,
    VersionAuthor,
    VersionCause,
)
from articles.models.reviews import AppendOnlyError
from taxonomy.models import Cause


@pytest.fixture
def world(draft_factory, submit, approve, writer, cause):
    """A signed-off version with every kind of part, its review and timeline, and an unrelated draft."""
    version = draft_factory()
    FaqEntry.objects.create(version=version, question="Is it serious?", answer="Rarely [@1].")
    submit(version)
    approve(version)
    signed = ArticleVersion.objects.get(pk=version.pk)
    draft = draft_factory(slug="other", title="Other cramps")
    return SimpleNamespace(
        signed=signed,
        article=signed.article,
        draft=draft,
        ref=signed.references.get(),
        faq=signed.faq_entries.get(),
        author_link=signed.author_links.get(),
        cause_link=signed.cause_links.get(),
        draft_ref=draft.references.get(),
        review=signed.reviews.get(),
        event=ArticleEvent.objects.filter(version=signed).first(),
        writer=writer,
        cause=cause,
        other_person=Person.objects.create(name="Dan Moss", slug="dan-moss"),
        other_cause=Cause.objects.create(name="Heat", slug="heat", group=cause.group),
    )


def state(w) -> dict:
    """Everything the guards protect, as data."""
    return {
        "versions": sorted(ArticleVersion.objects.filter(status="approved").values_list("pk", "status", "title")),
        "fingerprint": ArticleVersion.objects.get(pk=w.signed.pk).compute_fingerprint(),
        "parts": sorted(
            [
                *(("ref", *r) for r in Reference.objects.values_list("pk", "version_id", "title")),
                *(("faq", *r) for r in FaqEntry.objects.values_list("pk", "version_id", "question")),
                *(("author", *r) for r in VersionAuthor.objects.values_list("pk", "version_id", "person_id")),
                *(("cause", *r) for r in VersionCause.objects.values_list("pk", "content_object_id", "tag_id")),
            ]
        ),
        "reviews": sorted(Review.objects.values_list("pk", "version_id", "outcome", "comment")),
        "events": sorted(ArticleEvent.objects.values_list("pk", "version_id", "kind", "comment")),
    }


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _move_off(w):
    w.ref.version_id = w.draft.pk
    w.ref.save()


def _move_onto(w):
    w.draft_ref.version_id = w.signed.pk
    w.draft_ref.number = 9
    w.draft_ref.save()


def _bulk_update_version(w):
    w.signed.title = "Rewritten"
    ArticleVersion.objects.bulk_update([w.signed], ["title"])


def _bulk_update_reference(w):
    w.ref.title = "Rewritten"
    Reference.objects.bulk_update([w.ref], ["title"])


def _bulk_update_faq(w):
    w.faq.answer = "Often."
    FaqEntry.objects.bulk_update([w.faq], ["answer"])


def _bulk_update_review(w):
    w.review.comment = "Never happened"
    Review.objects.bulk_update([w.review], ["comment"])


def _bulk_update_event(w):
    w.event.comment = "Never happened"
    ArticleEvent.objects.bulk_update([w.event], ["comment"])


# (name, write) — each must be refused and change nothing.
WRITE_PATHS = [
    # the gap in save(): a part re-pointed at a draft leaves the signed-off version
    ("save: move a reference off a signed-off version", _move_off),
    ("save: move a reference onto a signed-off version", _move_onto),
    # QuerySet.update
    ("update: version title", lambda w: ArticleVersion.objects.filter(pk=w.signed.pk).update(title="Rewritten")),
    ("update: version status back to draft", lambda w: ArticleVersion.objects.filter(pk=w.signed.pk).update(status="draft")),
    ("update: reference title", lambda w: Reference.objects.filter(pk=w.ref.pk).update(title="Rewritten")),
    ("update: move a reference off", lambda w: Reference.objects.filter(pk=w.ref.pk).update(version=w.draft)),
    ("update: move a draft's reference onto", lambda w: Reference.objects.filter(pk=w.draft_ref.pk).update(version=w.signed, number=9)),
    ("update: FAQ answer", lambda w: FaqEntry.objects.filter(pk=w.faq.pk).update(answer="Often.")),
    ("update: author person", lambda w: VersionAuthor.objects.filter(pk=w.author_link.pk).update(person=w.other_person)),
    ("update: cause tag", lambda w: VersionCause.objects.filter(pk=w.cause_link.pk).update(tag=w.other_cause)),
    ("update: review comment", lambda w: Review.objects.filter(pk=w.review.pk).update(comment="Never happened")),
    ("update: review outcome", lambda w: Review.objects.filter(pk=w.review.pk).update(outcome="sent_back")),
    ("update: event comment", lambda w: ArticleEvent.objects.filter(pk=w.event.pk).update(comment="Never happened")),
    ("update: event unlinked from a signed-off version", lambda w: ArticleEvent.objects.filter(pk=w.event.pk).update(version=None)),
    # bulk_update
    ("bulk_update: version", _bulk_update_version),
    ("bulk_update: reference", _bulk_update_reference),
    ("bulk_update: FAQ entry", _bulk_update_faq),
    ("bulk_update: review", _bulk_update_review),
    ("bulk_update: event", _bulk_update_event),
    # QuerySet.delete
    ("delete: version", lambda w: ArticleVersion.objects.filter(pk=w.signed.pk).delete()),
    ("delete: references", lambda w: Reference.objects.filter(version=w.signed).delete()),
    ("delete: FAQ entries", lambda w: FaqEntry.objects.filter(version=w.signed).delete()),
    ("delete: author links", lambda w: VersionAuthor.objects.filter(version=w.signed).delete()),
    ("delete: cause links", lambda w: VersionCause.objects.filter(content_object=w.signed).delete()),
    ("delete: reviews", lambda w: Review.objects.filter(pk=w.review.pk).delete()),
    ("delete: events", lambda w: ArticleEvent.objects.filter(article=w.article).delete()),
    ("delete: the whole article", lambda w: Article.objects.filter(pk=w.article.pk).delete()),
    # related managers
    ("authors.remove", lambda w: w.signed.authors.remove(w.writer)),
    ("authors.clear", lambda w: w.signed.authors.clear()),
    ("authors.add", lambda w: w.signed.authors.add(w.other_person)),
    ("authors.set", lambda w: w.signed.authors.set([w.other_person])),
    # django-taggit
    ("causes.remove", lambda w: w.signed.causes.remove(w.cause)),
    ("causes.clear", lambda w: w.signed.causes.clear()),
    ("causes.set", lambda w: w.signed.causes.set([w.other_cause])),
    ("causes.add", lambda w: w.signed.causes.add(w.other_cause)),
    # bulk_create into a signed-off version
    ("bulk_create: reference", lambda w: Reference.objects.bulk_create([Reference(version=w.signed, number=7, title="Late")])),
    ("bulk_create: FAQ entry", lambda w: FaqEntry.objects.bulk_create([FaqEntry(version=w.signed, question="Q?", answer="A.")])),
    # raw SQL
    ("SQL: UPDATE version", lambda w: sql("UPDATE articles_articleversion SET body = 'x' WHERE id = %s", [w.signed.pk])),
    ("SQL: UPDATE version status", lambda w: sql("UPDATE articles_articleversion SET status = 'draft' WHERE id = %s", [w.signed.pk])),
    ("SQL: DELETE version", lambda w: sql("DELETE FROM articles_articleversion WHERE id = %s", [w.signed.pk])),
    ("SQL: UPDATE reference", lambda w: sql("UPDATE articles_reference SET title = 'x' WHERE id = %s", [w.ref.pk])),
    ("SQL: UPDATE reference onto", lambda w: sql("UPDATE articles_reference SET version_id = %s, number = 9 WHERE id = %s", [w.signed.pk, w.draft_ref.pk])),
    ("SQL: DELETE reference", lambda w: sql("DELETE FROM articles_reference WHERE id = %s", [w.ref.pk])),
    ("SQL: INSERT reference", lambda w: sql(
        "INSERT INTO articles_reference (version_id, number, kind, authors, title, source, volume, issue, pages, url, pmid, doi)"
        " VALUES (%s, 8, 'web', '', 'Late', '', '', '', '', '', '', '')", [w.signed.pk])),
    ("SQL: DELETE FAQ", lambda w: sql("DELETE FROM articles_faqentry WHERE version_id = %s", [w.signed.pk])),
    ("SQL: UPDATE author", lambda w: sql("UPDATE articles_versionauthor SET position = 9 WHERE id = %s", [w.author_link.pk])),
    ("SQL: INSERT author", lambda w: sql("INSERT INTO articles_versionauthor (version_id, person_id, position) VALUES (%s, %s, 3)", [w.signed.pk, w.other_person.pk])),
    ("SQL: DELETE cause", lambda w: sql("DELETE FROM articles_versioncause WHERE id = %s", [w.cause_link.pk])),
    ("SQL: UPDATE review", lambda w: sql("UPDATE articles_review SET fingerprint = 'x' WHERE id = %s", [w.review.pk])),
    ("SQL: DELETE review", lambda w: sql("DELETE FROM articles_review WHERE id = %s", [w.review.pk])),
    ("SQL: UPDATE event", lambda w: sql("UPDATE articles_articleevent SET kind = 'archived' WHERE id = %s", [w.event.pk])),
    ("SQL: DELETE event", lambda w: sql("DELETE FROM articles_articleevent WHERE id = %s", [w.event.pk])),
]  # fmt: skip


def _truncate(table: str) -> None:
    sql("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses to run with the test's deferred FK checks pending
    sql(f"TRUNCATE {table} CASCADE")


TRUNCATE_PATHS = [
    (f"SQL: TRUNCATE {table}", lambda w, table=table: _truncate(table))
    for table in ["articles_articleversion", "articles_reference", "articles_review", "articles_articleevent"]
]


def write_paths() -> list:
    return WRITE_PATHS + TRUNCATE_PATHS


@pytest.mark.parametrize("name", [name for name, _ in WRITE_PATHS + TRUNCATE_PATHS])
def test_the_database_refuses_the_write_and_nothing_changes(world, name):
    write = dict(write_paths())[name]
    before = state(world)
    # ProtectedError: Django's own foreign-key rule refuses first (the raw SQL paths reach the database)
    with pytest.raises((ImmutableVersionError, AppendOnlyError, ProtectedError)), transaction.atomic():
        write(world)
    assert state(world) == before


def test_each_write_is_refused_by_the_database_itself_not_only_by_python(world, capsys):
    """With the model checks out of the way (raw cursor, no translation), the engine's own error."""
    paths = write_paths()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the DB-API cursor: no Django wrappers at all
        refused = 0
        for statement, params in [
            ("UPDATE articles_articleversion SET title = 'x' WHERE id = %s", [world.signed.pk]),
            ("UPDATE articles_reference SET version_id = %s WHERE id = %s", [world.draft.pk, world.ref.pk]),
            ("DELETE FROM articles_review WHERE id = %s", [world.review.pk]),
        ]:
            with transaction.atomic():
                try:
                    raw.execute(statement, params)
                except Exception as exc:  # the driver's own IntegrityError
                    assert "spasminfo-immutable" in str(exc)
                    refused += 1
                    transaction.set_rollback(True)
    assert refused == 3

    by: dict[str, int] = {}
    for _name, write in paths:
        try:
            with transaction.atomic():
                write(world)
        except (ImmutableVersionError, AppendOnlyError) as error:
            source = "the database" if str(error).startswith("Refused by the database") else "the model checks"
        except ProtectedError:
            source = "Django's on_delete=PROTECT"
        else:
            source = "nobody"
        by[source] = by.get(source, 0) + 1
    assert "nobody" not in by and sum(by.values()) == len(paths)
    with capsys.disabled():
        detail = ", ".join(f"{n} by {source}" for source, n in sorted(by.items()))
        print(f"\n{len(paths)} write paths to signed-off content and history refused ({detail})")


def test_the_error_says_the_database_refused_it(world):
    refused = r"Refused by the database: .*signed-off version"
    with pytest.raises(ImmutableVersionError, match=refused), transaction.atomic():
        ArticleVersion.objects.filter(pk=world.signed.pk).update(status="draft")
    refused = r"Refused by the database: .*its references cannot change"
    with pytest.raises(ImmutableVersionError, match=refused), transaction.atomic():
        Reference.objects.filter(pk=world.ref.pk).update(title="x")
    refused = r"Refused by the database: review records are append-only"
    with pytest.raises(AppendOnlyError, match=refused), transaction.atomic():
        Review.objects.filter(pk=world.review.pk).delete()
    # without Django's translation, the engine's integrity error
    with pytest.raises(connection.Database.IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.cursor.execute("DELETE FROM articles_review")


def test_moving_a_part_off_a_signed_off_version_is_refused_with_a_clear_message(world):
    world.ref.version_id = world.draft.pk
    with pytest.raises(ImmutableVersionError, match=f"Version {world.signed.pk} is signed off"):
        world.ref.save()


def test_the_workflow_still_writes_what_it_must(world, draft_factory, submit, approve, editor):
    """Editing and deleting drafts, signing off, starting a new draft from a signed-off version."""
    draft = world.draft
    draft.body = "Edited [@1]."
    draft.save()
    Reference.objects.filter(version=draft).update(title="Edited")
    draft.causes.set([world.other_cause])
    draft.authors.set([world.other_person])
    ArticleVersion.objects.filter(pk=draft.pk).delete()  # its timeline events stay, unlinked
    assert ArticleEvent.objects.filter(article_id=draft.article_id, version__isnull=True).exists()

    new = services.start_draft(article=world.article, user=editor)
    new.refresh_from_db()
    new.body = f"Revised. {new.body}"  # start_draft moved the citations onto library keys
    new.save()
    submit(new)
    approve(new)
    assert Article.objects.get(pk=world.article.pk).live_version_id == new.pk
    assert ArticleVersion.objects.get(pk=world.signed.pk).status == "approved"


def test_every_guard_is_installed(db):
    assert installed_guard_names(connection) == guard_names(connection)
    covered = {table for table, _, _ in part_tables()}
    assert covered == {
        "articles_versionauthor",
        "articles_versioncause",
        "articles_reference",
        "articles_faqentry",
        "images_versionimage",  # a version's pictures (images app)
    }


def test_migrate_recreates_dropped_guards(db):
    """post_migrate installs every missing guard (a later app's version part gets its guard then)."""
    from articles.apps import ensure_immutability_guards
    from articles.immutability import drop_guards

    drop_guards(connection)
    assert installed_guard_names(connection) == []
    ensure_immutability_guards(sender=None)
    assert installed_guard_names(connection) == guard_names(connection)


def test_suspending_the_guards_puts_them_back_even_after_an_error(world):
    with pytest.raises(RuntimeError), guards_suspended():
        assert installed_guard_names(connection) == []
        Review.objects.filter(pk=world.review.pk).update(comment="rewritten")
        raise RuntimeError("the maintenance failed")
    assert installed_guard_names(connection) == guard_names(connection)
    assert Review.objects.get(pk=world.review.pk).comment != "rewritten"  # rolled back with the guards


@pytest.mark.django_db(transaction=True)
def test_the_test_flush_empties_signed_off_content_and_keeps_the_guards(editorial_groups, publish):
    """This test's teardown flushes the database (tests/conftest.py); the next one checks it is empty."""
    publish()
    assert installed_guard_names(connection) == guard_names(connection)


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_the_guards_are_still_on(editorial_groups):
    assert not ArticleVersion.objects.exists() and not Review.objects.exists()
    assert installed_guard_names(connection) == guard_names(connection)


def test_deleting_an_account_named_in_the_history_is_refused_with_a_message(world, editor, django_user_model):
    """The timeline and signed-off versions name the editor's account (ON DELETE SET NULL): the admin
    shows the database's refusal instead of a server error."""
    root = django_user_model.objects.create_superuser("root", password="pw")
    client = Client()
    client.force_login(root)
    url = reverse("admin:auth_user_delete", args=[editor.pk])
    response = client.post(url, {"post": "yes"}, follow=True)
    assert response.redirect_chain[0] == (url, 302)
    page = response.content.decode()
    assert "Nothing was changed. Refused by the database:" in page
    assert django_user_model.objects.filter(pk=editor.pk).exists()
    assert ArticleEvent.objects.filter(user=editor).exists()


def test_a_reader_who_hits_a_refusal_gets_a_conflict_not_a_server_error(rf):
    from articles.immutability import RefusalMiddleware

    request = rf.post("/somewhere/")
    response = RefusalMiddleware(lambda r: None).process_exception(request, AppendOnlyError("history"))
    assert response.status_code == 409 and b"Nothing was changed. history" in response.content
    assert RefusalMiddleware(lambda r: None).process_exception(request, ValueError("other")) is None


def test_an_editor_can_still_delete_a_draft_in_the_admin(world, editor):
    client = Client()
    client.force_login(editor)
    url = reverse("admin:articles_articleversion_delete", args=[world.draft.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not ArticleVersion.objects.filter(pk=world.draft.pk).exists()
    assert ArticleEvent.objects.filter(article_id=world.draft.article_id, kind="created").exists()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE articles_auditentry SET username = 'someone-else' WHERE id = %s",
        """UPDATE articles_auditentry SET "after" = '{}' WHERE id = %s""",
        "UPDATE articles_auditentry SET user_id = NULL, comment = 'covered up' WHERE id = %s",
        "DELETE FROM articles_auditentry WHERE id = %s",
    ],
)
def test_raw_sql_cannot_rewrite_or_remove_an_audit_entry(db, editor, writer, sql):
    from django.db import connection

    from articles.models import AuditEntry
    from articles.models.history import AppendOnlyError

    entry = AuditEntry.record(
        AuditEntry.Kind.REVIEWER_STATUS, writer, user=editor, before={"reviewer": False}, after={"reviewer": True}
    )
    before = AuditEntry.objects.filter(pk=entry.pk).values().get()
    with (
        pytest.raises(AppendOnlyError, match="the audit log is append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).values().get() == before


def test_deleting_an_account_keeps_its_audit_entries_under_its_username(db, writer, django_user_model):
    from articles.models import AuditEntry

    account = django_user_model.objects.create_user("short-lived")
    entry = AuditEntry.record(AuditEntry.Kind.ACCOUNT_LINK, writer, user=account, before={}, after={"user": 1})
    account.delete()
    entry.refresh_from_db()
    assert entry.user_id is None and entry.username == "short-lived"
