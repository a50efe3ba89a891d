"""Signed-off content is immutable in the database itself, not only in `Model.save()`.

PostgreSQL triggers refuse, whoever writes (the ORM's `save`,
`QuerySet.update`, `bulk_update`, `QuerySet.delete`, related managers, taggit, raw SQL):

    articles_articleversion   UPDATE or DELETE of a row whose OLD status is approved. The one
                              transition that signs a version off (OLD status not approved) passes.
                              An UPDATE that changes nothing passes.
    every part of a version   INSERT into, UPDATE or DELETE of a row of a signed-off version, and
    (VersionContent models)   moving a row off or onto one (UPDATE of its version column).
    articles_review           any UPDATE or DELETE.
    articles_articleevent     any UPDATE or DELETE, except clearing the link to a draft being deleted
                              (the ON DELETE SET NULL of `ArticleEvent.version`; the event stays).
                              TRUNCATE of any of these tables.

Deleting an article therefore fails too: its timeline and signed-off versions go with it.

The refusal is an integrity error whose message starts with `REFUSAL_MARKER`; every
Django connection translates it into `ImmutableVersionError` or `AppendOnlyError`
(`translate_refusals`), so callers see the same clear errors as from the model checks.

The guards are created by migration 0007_immutability_guards and completed after every
`migrate` (a later app's version part, such as images.VersionImage, gets its guard then).

`guards_suspended()` is the one way around them: it drops the guards inside a transaction and
re-creates them before that transaction commits. DDL is transactional and
other connections cannot write the tables meanwhile (DROP TRIGGER holds an exclusive lock
until commit), so no other connection ever sees the
tables unguarded. Only the test suite's flush between transactional tests
(tests/conftest.py) and the backup restore use it.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction

REFUSAL_MARKER = "spasminfo-immutable"
GUARD_MIGRATION = ("articles", "0007_immutability_guards")

VERSIONS = "articles_articleversion"
REVIEWS = "articles_review"
EVENTS = "articles_articleevent"

VERSION_REFUSAL = f"{REFUSAL_MARKER}: a signed-off version cannot be changed or deleted"
REVIEW_REFUSAL = f"{REFUSAL_MARKER}: review records are append-only"
EVENT_REFUSAL = f"{REFUSAL_MARKER}: timeline events are append-only"


def part_tables() -> list[tuple[str, str, str]]:
    """(table, version column, plural name) of every model that is part of a version's content,
    in any app (images.VersionImage is one), whose table exists yet (during `migrate`, a later
    app's part table is guarded by the post_migrate re-install)."""
    from articles.models.versions import VersionContent

    existing = set(connections[DEFAULT_DB_ALIAS].introspection.table_names())
    parts = []
    for model in apps.get_models():
        if issubclass(model, VersionContent) and model._meta.db_table in existing:
            field = next(
                f for f in model._meta.concrete_fields if f.is_relation and f.related_model.__name__ == "ArticleVersion"
            )
            parts.append((model._meta.db_table, field.column, str(model._meta.verbose_name_plural)))
    return sorted(parts)


def part_refusal(label: str) -> str:
    return f"{REFUSAL_MARKER}: the version is signed off; its {label} cannot change"


def _event_columns() -> list[str]:
    from articles.models import ArticleEvent

    return [f.column for f in ArticleEvent._meta.concrete_fields]


# --- PostgreSQL ---------------------------------------------------------------------------------------------------

_PG_FUNCTIONS = [
    f"""CREATE OR REPLACE FUNCTION articles_guard_version() RETURNS trigger AS $$
       BEGIN
         IF OLD.status = 'approved' AND (TG_OP = 'DELETE'
             OR to_jsonb(OLD) IS DISTINCT FROM to_jsonb(NEW)) THEN
           RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = '{VERSION_REFUSAL}';
         END IF;
         IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
         RETURN NEW;
       END $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION articles_guard_version_part() RETURNS trigger AS $$
       DECLARE
         old_id bigint;
         new_id bigint;
       BEGIN
         IF TG_OP <> 'INSERT' THEN old_id := (to_jsonb(OLD) ->> TG_ARGV[0])::bigint; END IF;
         IF TG_OP <> 'DELETE' THEN new_id := (to_jsonb(NEW) ->> TG_ARGV[0])::bigint; END IF;
         IF EXISTS (SELECT 1 FROM {VERSIONS} WHERE id IN (old_id, new_id) AND status = 'approved') THEN
           RAISE EXCEPTION USING ERRCODE = 'restrict_violation',
             MESSAGE = '{REFUSAL_MARKER}: the version is signed off; its ' || TG_ARGV[1] || ' cannot change';
         END IF;
         IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
         RETURN NEW;
       END $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION articles_guard_append_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = '{EVENTS}' THEN
           -- the draft this event points at is being deleted (ON DELETE SET NULL): the event stays
           IF NEW.version_id IS NULL AND OLD.version_id IS NOT NULL
               AND (to_jsonb(OLD) - 'version_id') = (to_jsonb(NEW) - 'version_id')
               AND NOT EXISTS (SELECT 1 FROM {VERSIONS} WHERE id = OLD.version_id AND status = 'approved') THEN
             RETURN NEW;
           END IF;
         END IF;
         RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = TG_ARGV[0];
       END $$ LANGUAGE plpgsql""",
]


def postgres_guards() -> dict[str, tuple[str, str]]:
    """{trigger name: (table, CREATE TRIGGER statement)}."""
    each_row = "BEFORE UPDATE OR DELETE ON {t} FOR EACH ROW EXECUTE FUNCTION"
    guards = {
        "articles_guard_version": (VERSIONS, f"{each_row} articles_guard_version()"),
        "articles_guard_review": (REVIEWS, f"{each_row} articles_guard_append_only('{REVIEW_REFUSAL}')"),
        "articles_guard_event": (EVENTS, f"{each_row} articles_guard_append_only('{EVENT_REFUSAL}')"),
    }
    for table, column, label in part_tables():
        guards[f"articles_guard_{table.removeprefix('articles_')}"] = (
            table,
            "BEFORE INSERT OR UPDATE OR DELETE ON {t} FOR EACH ROW "
            f"EXECUTE FUNCTION articles_guard_version_part('{column}', '{label}')",
        )
    tables = sorted({table for table, _ in guards.values()})
    for table in tables:
        guards[f"articles_guard_truncate_{table.removeprefix('articles_')}"] = (
            table,
            "BEFORE TRUNCATE ON {t} FOR EACH STATEMENT EXECUTE FUNCTION "
            f"articles_guard_append_only('{REFUSAL_MARKER}: signed-off content and its history cannot be truncated')",
        )
    return {
        name: (table, f"CREATE OR REPLACE TRIGGER {name} " + sql.format(t=table))
        for name, (table, sql) in guards.items()
    }


# --- installing, dropping, suspending -----------------------------------------------------------------------------


def guard_names(connection) -> list[str]:
    """The guard triggers the database should have, by name."""
    return sorted(postgres_guards())


def installed_guard_names(connection) -> list[str]:
    """The guard triggers the database has now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'articles\\_guard\\_%' AND NOT tgisinternal")
        return sorted(row[0] for row in cursor.fetchall())


def install_guards(connection=None) -> None:
    """Create every guard that is missing (idempotent)."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        for sql in _PG_FUNCTIONS:
            cursor.execute(sql)
        for _table, sql in postgres_guards().values():
            cursor.execute(sql)


def drop_guards(connection=None) -> None:
    connection = connection or connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        for name, (table, _sql) in postgres_guards().items():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for function in ("articles_guard_version()", "articles_guard_version_part()", "articles_guard_append_only()"):
            cursor.execute(f"DROP FUNCTION IF EXISTS {function}")


def guards_are_due(connection) -> bool:
    """True once the guard migration is applied (after migrating backwards past it, the guards stay off)."""
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    return recorder.has_table() and GUARD_MIGRATION in recorder.applied_migrations()


@contextmanager
def guards_suspended(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the body with the guards off, in one transaction that ends with them back on.

    For whole-database maintenance only (the test suite's flush, a backup restore): see the
    module docstring for why no other connection ever sees the tables unguarded.
    """
    connection = connections[using]
    with transaction.atomic(using=using):
        drop_guards(connection)
        yield
        install_guards(connection)


# --- clear errors ---------------------------------------------------------------------------------------------------


def refusal_error(exc: BaseException) -> Exception | None:
    """The clear error for a database refusal by a guard, or None if `exc` is something else."""
    from articles.models import ImmutableVersionError
    from articles.models.reviews import AppendOnlyError

    text = str(exc)
    start = text.find(REFUSAL_MARKER)
    if start < 0:
        return None
    reason = text[start + len(REFUSAL_MARKER) :].lstrip(": ").splitlines()[0].strip()
    message = f"Refused by the database: {reason}."
    if "append-only" in reason:
        return AppendOnlyError(message)
    return ImmutableVersionError(message)


def translate_refusals(execute, sql, params, many, context):
    """A connection execute wrapper: a guard's refusal becomes ImmutableVersionError or AppendOnlyError."""
    try:
        return execute(sql, params, many, context)
    except IntegrityError as exc:
        error = refusal_error(exc)
        if error is None:
            raise
        raise error from exc


def add_refusal_translation(sender, connection, **kwargs) -> None:
    """connection_created receiver: install `translate_refusals` on every new connection."""
    if translate_refusals not in connection.execute_wrappers:
        connection.execute_wrappers.append(translate_refusals)


class RefusalMiddleware:
    """An edit the guards (or the model checks) refuse becomes a message, not a server error.

    Staff reach it in the admin, e.g. deleting an article (its signed-off versions and timeline
    go with it) or an account that signed reviews. The view's transaction has already rolled
    back; staff are sent back to the page they came from with the reason, others get a 409.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.contrib import messages
        from django.http import HttpResponse, HttpResponseRedirect

        from articles.models import ImmutableVersionError
        from articles.models.reviews import AppendOnlyError

        if not isinstance(exception, ImmutableVersionError | AppendOnlyError):
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_staff:
            messages.error(request, f"Nothing was changed. {exception}")
            return HttpResponseRedirect(request.get_full_path())
        return HttpResponse(f"Nothing was changed. {exception}", status=409, content_type="text/plain; charset=utf-8")
