"""A picture never changes, in the database too (the approach of articles/immutability.py).

A PostgreSQL trigger refuses, whoever writes (`save`, `QuerySet.update`, raw SQL):

    images_image   UPDATE of a picture's key, file, hash, size, format or renditions (once made: the worker
                   sets them once, after the upload; any picture:
                   a picture is never replaced; a new one is a new Image). Its words (alt text,
                   caption, credit, decorative) may be corrected: a version keeps its own copy.
                   DELETE of a picture that a signed-off version shows.

So the API and the pages of a signed-off version, which read the picture's files through its
row, always show the picture that was signed off. The refusal carries
articles.immutability.REFUSAL_MARKER, so every connection turns it into ImmutableVersionError.
TRUNCATE is not guarded (the test suite's flush, a backup restore).
"""

from django.db import connections

from articles.immutability import REFUSAL_MARKER

IMAGES = "images_image"
VERSION_IMAGES = "images_versionimage"
VERSIONS = "articles_articleversion"
PICTURE_FIELDS = ("key", "file", "sha256", "width", "height", "format", "renditions")
CHANGE_REFUSAL = f"{REFUSAL_MARKER}: a picture never changes; upload a new image instead"
DELETE_REFUSAL = f"{REFUSAL_MARKER}: a signed-off version shows this picture"

# renditions are made by the worker after the upload: set once, from none
_CHANGED = " OR ".join(
    f"OLD.{field} IS DISTINCT FROM NEW.{field}"
    + (" AND OLD.renditions IS DISTINCT FROM '[]'::jsonb" if field == "renditions" else "")
    for field in PICTURE_FIELDS
)

POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION images_guard_image() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' THEN
           IF {_CHANGED} THEN
             RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = '{CHANGE_REFUSAL}';
           END IF;
           RETURN NEW;
         END IF;
         IF EXISTS (SELECT 1 FROM {VERSION_IMAGES} link JOIN {VERSIONS} version ON version.id = link.version_id
                    WHERE link.image_id = OLD.id AND version.status = 'approved') THEN
           RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = '{DELETE_REFUSAL}';
         END IF;
         RETURN OLD;
       END $$ LANGUAGE plpgsql""",
    f"CREATE OR REPLACE TRIGGER images_guard_image BEFORE UPDATE OR DELETE ON {IMAGES} FOR EACH ROW "
    "EXECUTE FUNCTION images_guard_image()",
]


def install_guards(connection) -> None:
    """Create the guard (idempotent); nothing before the tables exist."""
    with connection.cursor() as cursor:
        if not {IMAGES, VERSION_IMAGES, VERSIONS} <= set(connection.introspection.table_names(cursor)):
            return
        for sql in POSTGRES:
            cursor.execute(sql)


def install_on_migrate(app_config, using="default", **kwargs) -> None:
    """post_migrate: create the guard once the tables exist (idempotent)."""
    install_guards(connections[using])


def install_in_migration(apps, schema_editor) -> None:
    install_guards(schema_editor.connection)
