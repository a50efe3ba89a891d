"""What readers' history must keep, kept in the database too (the approach of articles/immutability.py).

PostgreSQL triggers refuse, whoever writes (`save`, `QuerySet.update`, `bulk_update`,
`QuerySet.delete`, raw SQL):

    participation_answerversion   UPDATE of a row whose OLD status is approved (signing off, an
                                  UPDATE whose old status is submitted, passes)
    participation_answerreview    any UPDATE or DELETE
    participation_storyedit       any UPDATE; DELETE while its story exists. Deleting a story
                                  deletes its edits (they hold the reader's words): an AFTER DELETE
                                  trigger on participation_story removes them once the story is gone,
                                  which is why `StoryEdit.story` is DO_NOTHING for Django.

The refusal carries articles.immutability.REFUSAL_MARKER, so every connection turns it into
ImmutableVersionError / AppendOnlyError like the articles' guards. Deleting a signed-off answer
is left to the model check and to PROTECT (a live answer is protected by its question, a reviewed
answer by its reviews, which cannot be deleted). TRUNCATE is not guarded: the test suite's flush
empties whole tables with it, and a backup restore replaces them.
"""

from django.db import connections

from articles.immutability import REFUSAL_MARKER

ANSWERS = "participation_answerversion"
REVIEWS = "participation_answerreview"
STORIES = "participation_story"
STORY_EDITS = "participation_storyedit"
ANSWER_REFUSAL = f"{REFUSAL_MARKER}: a signed-off answer cannot be changed"
REVIEW_REFUSAL = f"{REFUSAL_MARKER}: answer reviews are append-only"
STORY_EDIT_REFUSAL = f"{REFUSAL_MARKER}: story edits are append-only"

POSTGRES = [
    """CREATE OR REPLACE FUNCTION participation_guard_refuse() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = TG_ARGV[0];
       END $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION participation_guard_story_edit_delete() RETURNS trigger AS $$
       BEGIN
         IF EXISTS (SELECT 1 FROM {STORIES} WHERE id = OLD.story_id) THEN
           RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = TG_ARGV[0];
         END IF;
         RETURN OLD;
       END $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION participation_story_deleted() RETURNS trigger AS $$
       BEGIN
         DELETE FROM {STORY_EDITS} WHERE story_id = OLD.id;
         RETURN OLD;
       END $$ LANGUAGE plpgsql""",
    f"CREATE OR REPLACE TRIGGER participation_guard_answer BEFORE UPDATE ON {ANSWERS} FOR EACH ROW "
    f"WHEN (OLD.status = 'approved') EXECUTE FUNCTION participation_guard_refuse('{ANSWER_REFUSAL}')",
    f"CREATE OR REPLACE TRIGGER participation_guard_answer_review BEFORE UPDATE OR DELETE ON {REVIEWS} "
    f"FOR EACH ROW EXECUTE FUNCTION participation_guard_refuse('{REVIEW_REFUSAL}')",
    f"CREATE OR REPLACE TRIGGER participation_guard_story_edit BEFORE UPDATE ON {STORY_EDITS} FOR EACH ROW "
    f"EXECUTE FUNCTION participation_guard_refuse('{STORY_EDIT_REFUSAL}')",
    f"CREATE OR REPLACE TRIGGER participation_guard_story_edit_delete BEFORE DELETE ON {STORY_EDITS} "
    f"FOR EACH ROW EXECUTE FUNCTION participation_guard_story_edit_delete('{STORY_EDIT_REFUSAL}')",
    f"CREATE OR REPLACE TRIGGER participation_story_deleted AFTER DELETE ON {STORIES} FOR EACH ROW "
    "EXECUTE FUNCTION participation_story_deleted()",
]


def install_guards(connection) -> None:
    """Create the guards (idempotent); nothing before the tables exist."""
    with connection.cursor() as cursor:
        if not {ANSWERS, REVIEWS, STORIES, STORY_EDITS} <= set(connection.introspection.table_names(cursor)):
            return
        for sql in POSTGRES:
            cursor.execute(sql)


def install_on_migrate(app_config, using="default", **kwargs) -> None:
    """post_migrate: create the guards once the tables exist (idempotent)."""
    install_guards(connections[using])


def install_in_migration(apps, schema_editor) -> None:
    install_guards(schema_editor.connection)
