"""Signed-off answers never change, in the database too (the approach of articles/immutability.py).

PostgreSQL triggers refuse, whoever writes (`save`, `QuerySet.update`,
`bulk_update`, raw SQL):

    participation_answerversion   UPDATE of a row whose OLD status is approved (signing off, an
                                  UPDATE whose old status is submitted, passes)
    participation_answerreview    any UPDATE

The refusal carries articles.immutability.REFUSAL_MARKER, so every connection turns it into
ImmutableVersionError / AppendOnlyError like the articles' guards. DELETE is left to the model
checks and to PROTECT (a live answer is protected by its question, a reviewed answer by its
reviews): the test suite's flush and a backup restore delete whole tables, and need no suspension.
"""

from django.db import connections

from articles.immutability import REFUSAL_MARKER

ANSWERS = "participation_answerversion"
REVIEWS = "participation_answerreview"
ANSWER_REFUSAL = f"{REFUSAL_MARKER}: a signed-off answer cannot be changed"
REVIEW_REFUSAL = f"{REFUSAL_MARKER}: answer reviews are append-only"

POSTGRES = [
    """CREATE OR REPLACE FUNCTION participation_guard_refuse() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = TG_ARGV[0];
       END $$ LANGUAGE plpgsql""",
    f"CREATE OR REPLACE TRIGGER participation_guard_answer BEFORE UPDATE ON {ANSWERS} FOR EACH ROW "
    f"WHEN (OLD.status = 'approved') EXECUTE FUNCTION participation_guard_refuse('{ANSWER_REFUSAL}')",
    f"CREATE OR REPLACE TRIGGER participation_guard_answer_review BEFORE UPDATE ON {REVIEWS} FOR EACH ROW "
    f"EXECUTE FUNCTION participation_guard_refuse('{REVIEW_REFUSAL}')",
]


def install_guards(connection) -> None:
    """Create the guards (idempotent); nothing before the tables exist."""
    with connection.cursor() as cursor:
        if not {ANSWERS, REVIEWS} <= set(connection.introspection.table_names(cursor)):
            return
        for sql in POSTGRES:
            cursor.execute(sql)


def install_on_migrate(app_config, using="default", **kwargs) -> None:
    """post_migrate: create the guards once the tables exist (idempotent)."""
    install_guards(connections[using])


def install_in_migration(apps, schema_editor) -> None:
    install_guards(schema_editor.connection)
