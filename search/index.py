"""The search index: one tsvector document per signed-off version, kept by the database itself.

`articles_search_document` (version_id, document) is GIN-indexed and weighted title (A) >
summary, causes, headings and FAQ questions (B) > body and FAQ (C): a reader scans a page's
headings after its title, so a word in a heading says more of what the page is about than one in
its body. Triggers write a version's document when it is
signed off (however that happens: the workflow, a bare UPDATE, generate_content) and rewrite
the documents of the versions that discuss a cause when it is renamed. `SearchDocument`
(search/models.py) reads the table through the ORM. The signed-off version row itself is
never written (articles/immutability.py refuses that).

A change to this SQL reaches a database through a migration of the search app that calls
`install_search_index`; the articles migrations that first made the index run a frozen copy.
"""

from django.db import connection

# The index is a table of its own, not a column of the version: a signed-off version
# never changes, but the cause names it is found by follow the taxonomy (a renamed cause is found
# by its new name). A version's document is written when it is signed off (from the cause names
# frozen with it, which are the current ones at that moment) and rewritten for every version that
# discusses a cause when that cause is renamed.
_DOCUMENT = """
    setweight(to_tsvector('pg_catalog.english', coalesce({title}, '')), 'A') ||
    setweight(to_tsvector('pg_catalog.english', coalesce({summary}, '') || ' ' || coalesce({causes}, '') || ' ' ||
      coalesce({headings}, '')), 'B') ||
    setweight(to_tsvector('pg_catalog.english', coalesce({text}, '')), 'C')"""
# The version's headings (its contents, h2 and h3) and its FAQ questions, for weight B. The FAQ
# entries of a version are saved before it is signed off (the workflow, generate_content); a row
# inserted already signed off gets its questions' B weight when the index is rebuilt or a cause renamed.
_HEADINGS = """coalesce((SELECT string_agg(h ->> 'text', ' ') FROM jsonb_array_elements(
        CASE WHEN jsonb_typeof({version}.toc) = 'array' THEN {version}.toc ELSE '[]'::jsonb END) h), '')
      || ' ' ||
      coalesce((SELECT string_agg(f.question, ' ') FROM articles_faqentry f WHERE f.version_id = {version}.id), '')"""


def _document(version: str, causes: str) -> str:
    """The document of the version row `version` (NEW in a trigger, v in a query)."""
    return _DOCUMENT.format(
        title=f"{version}.title",
        summary=f"{version}.summary",
        causes=causes,
        headings=_HEADINGS.format(version=version),
        text=f"{version}.search_text",
    )


_CURRENT_CAUSES = """(SELECT string_agg(c.name, ' ') FROM articles_versioncause vc
    JOIN taxonomy_cause c ON c.id = vc.tag_id WHERE vc.content_object_id = v.id)"""
INDEX_SQL = [
    # the version's own search_vector column (frozen at sign-off, cause names included) is no longer used
    "DROP INDEX IF EXISTS articles_version_search_gin",
    "DROP TRIGGER IF EXISTS articles_version_search_vector ON articles_articleversion",
    "DROP FUNCTION IF EXISTS articles_version_search_vector()",
    """CREATE TABLE IF NOT EXISTS articles_search_document (
         version_id integer PRIMARY KEY,
         document tsvector NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS articles_search_document_gin ON articles_search_document USING gin (document)",
    # Ranking reads up to MAX_CANDIDATES documents (about 2 KB compressed each). Kept in the row
    # (MAIN: out of line only if a row would not fit a page) and compressed with lz4, each is read
    # without a TOAST index lookup and decompressed several times faster than with pglz: at 100k
    # articles, ranking 1,000 candidates went from 16-37 ms to 4-8 ms. A server built without
    # lz4 keeps pglz. Rows take the new form when written (migration 0023 rewrites them all).
    """DO $$
       BEGIN
         IF (SELECT attstorage FROM pg_attribute
             WHERE attrelid = 'articles_search_document'::regclass AND attname = 'document') <> 'm' THEN
           ALTER TABLE articles_search_document ALTER COLUMN document SET STORAGE MAIN;
         END IF;
       END
       $$""",
    """DO $$
       BEGIN
         IF (SELECT attcompression FROM pg_attribute
             WHERE attrelid = 'articles_search_document'::regclass AND attname = 'document') <> 'l' THEN
           ALTER TABLE articles_search_document ALTER COLUMN document SET COMPRESSION lz4;
         END IF;
       EXCEPTION WHEN feature_not_supported THEN NULL;  -- compression method lz4 not supported
       END
       $$""",
    f"""CREATE OR REPLACE FUNCTION articles_search_version_signed_off() RETURNS trigger AS $$
       BEGIN
         DELETE FROM articles_search_document WHERE version_id = NEW.id;
         IF NEW.status = 'approved' THEN
           INSERT INTO articles_search_document (version_id, document) VALUES (NEW.id, {
        _document("NEW", "NEW.search_causes")
    });
         END IF;
         RETURN NULL;
       END
       $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE TRIGGER articles_search_version_insert
       AFTER INSERT ON articles_articleversion FOR EACH ROW WHEN (NEW.status = 'approved')
       EXECUTE FUNCTION articles_search_version_signed_off()""",
    """CREATE OR REPLACE TRIGGER articles_search_version_update
       AFTER UPDATE ON articles_articleversion FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
       EXECUTE FUNCTION articles_search_version_signed_off()""",
    """CREATE OR REPLACE FUNCTION articles_search_version_deleted() RETURNS trigger AS $$
       BEGIN DELETE FROM articles_search_document WHERE version_id = OLD.id; RETURN NULL; END
       $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE TRIGGER articles_search_version_delete
       AFTER DELETE ON articles_articleversion FOR EACH ROW EXECUTE FUNCTION articles_search_version_deleted()""",
    f"""CREATE OR REPLACE FUNCTION articles_search_cause_renamed() RETURNS trigger AS $$
       BEGIN
         UPDATE articles_search_document d SET document = {_document("v", _CURRENT_CAUSES)}
         FROM articles_articleversion v
         WHERE v.id = d.version_id
           AND d.version_id IN (SELECT content_object_id FROM articles_versioncause WHERE tag_id = NEW.id);
         RETURN NULL;
       END
       $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE TRIGGER articles_search_cause_renamed
       AFTER UPDATE OF name ON taxonomy_cause FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
       EXECUTE FUNCTION articles_search_cause_renamed()""",
]
DOCUMENT_OF_VERSIONS = f"""
    INSERT INTO articles_search_document (version_id, document)
    SELECT v.id, {_document("v", _CURRENT_CAUSES)}
    FROM articles_articleversion v WHERE v.status = 'approved' AND v.id IN ({{versions}})"""
REBUILD_SQL = [
    "DELETE FROM articles_search_document",
    DOCUMENT_OF_VERSIONS.format(versions="SELECT id FROM articles_articleversion"),
]
DROP_SQL = [
    "DROP TRIGGER IF EXISTS articles_search_cause_renamed ON taxonomy_cause",
    "DROP FUNCTION IF EXISTS articles_search_cause_renamed()",
    "DROP TRIGGER IF EXISTS articles_search_version_insert ON articles_articleversion",
    "DROP TRIGGER IF EXISTS articles_search_version_update ON articles_articleversion",
    "DROP TRIGGER IF EXISTS articles_search_version_delete ON articles_articleversion",
    "DROP FUNCTION IF EXISTS articles_search_version_signed_off()",
    "DROP FUNCTION IF EXISTS articles_search_version_deleted()",
    "DROP TABLE IF EXISTS articles_search_document",
]


def _run(conn, statements: list[str]) -> None:
    with conn.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install_search_index(conn=None, rebuild: bool = False) -> None:
    """Create the index table and its triggers if missing (idempotent); `rebuild` refills it."""
    conn = conn or connection
    _run(conn, INDEX_SQL + (REBUILD_SQL if rebuild else []))


def drop_search_index(conn=None) -> None:
    _run(conn or connection, DROP_SQL)
