"""Full-text search over listed articles: one interface, two engines.

    search_articles(query, page) -> SearchResults

PostgreSQL: `ArticleVersion.search_vector` (tsvector, GIN-indexed), weighted
title (A) > summary and causes (B) > body and FAQ (C), filled by a trigger
when a version is signed off; ranked with ts_rank.
SQLite: an FTS5 table `articles_search` (porter stemmer; columns title,
keywords = summary and causes, body = body and FAQ) with one row per signed-off
version, kept in step by triggers on articles_articleversion; ranked with bm25
weighted 10 / 4 / 1.

Both engines see the same query: the words of the reader's text, lower-cased,
English stop words dropped, all required (AND). Results are restricted to
`Article.objects.listed()` through the ORM, so only live, non-archived articles
are ever found, and old signed-off versions in the index never surface.
Snippets are built in Python the same way for both: the best-matching sentence,
HTML-escaped, then matching words wrapped in <mark>.
"""

import re
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article

PER_PAGE = 10
MAX_TERMS = 8
# Ranking reads every match; a very common word matches most of a large site. The index finds
# at most this many matches, and only those are ranked, so a search costs the same at any size.
MAX_CANDIDATES = 1000
MAX_QUERY_LENGTH = 200
SNIPPET_WORDS = 32

# PostgreSQL's english stop words (tsearch_data/english.stop), dropped on both engines.
_STOP_WORDS_TEXT = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
    herself it its itself they them their theirs themselves what which who whom this that these those am is are
    was were be been being have has had having do does did doing a an the and but if or because as until while
    of at by for with about against between into through during before after above below to from up down in out
    on off over under again further then once here there when where why how all any both each few more most
    other some such no nor not only own same so than too very s t can will just don should now"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

# --- the index (created by migration 0004_reader_site, re-ensured after every migrate) ---------------------------


def sqlite_index_rows(where: str) -> str:
    """The one statement that copies signed-off versions into the FTS5 table, for the rows
    `where` selects (triggers, rebuild, reindex and generate_content all use it)."""
    return (
        "INSERT INTO articles_search (rowid, title, keywords, body) "
        "SELECT id, title, summary || ' ' || search_causes, search_text FROM articles_articleversion "
        f"WHERE status = 'approved' AND ({where})"
    )


SQLITE_INDEX_SQL = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS articles_search USING fts5(
        title, keywords, body, tokenize = 'porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER IF NOT EXISTS articles_search_insert AFTER INSERT ON articles_articleversion
       WHEN NEW.status = 'approved' BEGIN
         DELETE FROM articles_search WHERE rowid = NEW.id;
         {sqlite_index_rows("id = NEW.id")};
       END""",
    f"""CREATE TRIGGER IF NOT EXISTS articles_search_update AFTER UPDATE ON articles_articleversion BEGIN
         DELETE FROM articles_search WHERE rowid = OLD.id;
         {sqlite_index_rows("id = NEW.id")};
       END""",
    """CREATE TRIGGER IF NOT EXISTS articles_search_delete AFTER DELETE ON articles_articleversion BEGIN
         DELETE FROM articles_search WHERE rowid = OLD.id;
       END""",
]
SQLITE_REBUILD_SQL = [
    "DELETE FROM articles_search",
    sqlite_index_rows("1"),
]
SQLITE_DROP_SQL = [
    "DROP TRIGGER IF EXISTS articles_search_insert",
    "DROP TRIGGER IF EXISTS articles_search_update",
    "DROP TRIGGER IF EXISTS articles_search_delete",
    "DROP TABLE IF EXISTS articles_search",
]

POSTGRES_INDEX_SQL = [
    """CREATE OR REPLACE FUNCTION articles_version_search_vector() RETURNS trigger AS $$
       BEGIN
         IF NEW.status = 'approved' THEN
           NEW.search_vector :=
             setweight(to_tsvector('pg_catalog.english', coalesce(NEW.title, '')), 'A') ||
             setweight(to_tsvector('pg_catalog.english',
                                   coalesce(NEW.summary, '') || ' ' || coalesce(NEW.search_causes, '')), 'B') ||
             setweight(to_tsvector('pg_catalog.english', coalesce(NEW.search_text, '')), 'C');
         ELSE
           NEW.search_vector := NULL;
         END IF;
         RETURN NEW;
       END
       $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE TRIGGER articles_version_search_vector
       BEFORE INSERT OR UPDATE ON articles_articleversion
       FOR EACH ROW EXECUTE FUNCTION articles_version_search_vector()""",
    """DO $$ BEGIN
         IF NOT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'articles_version_search_gin') THEN
           CREATE INDEX articles_version_search_gin ON articles_articleversion USING gin (search_vector);
         END IF;
       END $$""",
]
POSTGRES_REBUILD_SQL = ["UPDATE articles_articleversion SET status = status WHERE status = 'approved'"]
POSTGRES_DROP_SQL = [
    "DROP INDEX IF EXISTS articles_version_search_gin",
    "DROP TRIGGER IF EXISTS articles_version_search_vector ON articles_articleversion",
    "DROP FUNCTION IF EXISTS articles_version_search_vector()",
]


def _run(conn, statements: list[str]) -> None:
    with conn.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install_search_index(conn=None, rebuild: bool = False) -> None:
    """Create the engine's index and triggers if missing (idempotent); `rebuild` refills it.

    Runs in the migration and again after every `migrate`: on SQLite, a later
    migration that rebuilds articles_articleversion drops its triggers.
    """
    conn = conn or connection
    if conn.vendor == "postgresql":
        _run(conn, POSTGRES_INDEX_SQL + (POSTGRES_REBUILD_SQL if rebuild else []))
    elif conn.vendor == "sqlite":
        _run(conn, SQLITE_INDEX_SQL + (SQLITE_REBUILD_SQL if rebuild else []))


def drop_search_index(conn=None) -> None:
    conn = conn or connection
    if conn.vendor == "postgresql":
        _run(conn, POSTGRES_DROP_SQL)
    elif conn.vendor == "sqlite":
        _run(conn, SQLITE_DROP_SQL)


def reindex_article(article: Article) -> None:
    """Re-index an article's signed-off versions (not needed in the normal flow: the
    triggers index a version when its status becomes approved)."""
    if connection.vendor == "postgresql":
        sql = "UPDATE articles_articleversion SET status = status WHERE article_id = %s AND status = 'approved'"
        _run_params(sql, [article.pk])
    elif connection.vendor == "sqlite":
        _run_params(
            "DELETE FROM articles_search WHERE rowid IN (SELECT id FROM articles_articleversion WHERE article_id = %s)",
            [article.pk],
        )
        _run_params(sqlite_index_rows("article_id = %s"), [article.pk])


def _run_params(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- queries -------------------------------------------------------------------------------------------------------


def query_terms(query: str) -> list[str]:
    """The words that must all match: lower-cased, stop words dropped, at most MAX_TERMS."""
    words = re.findall(r"\w+", (query or "")[:MAX_QUERY_LENGTH].lower())
    terms: list[str] = []
    for word in words:
        word = word.strip("_")
        if word and word not in STOP_WORDS and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def _ranked_version_ids(terms: list[str]) -> list[int]:
    """Live version ids of listed articles matching every term, best first (ties by title, then slug)."""
    listed = Article.objects.listed()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank
        from django.db.models import F

        search_query = None
        for term in terms:
            part = SearchQuery(term, search_type="plain", config="english")
            search_query = part if search_query is None else search_query & part
        candidates = listed.filter(live_version__search_vector=search_query).values("pk")[:MAX_CANDIDATES]
        rows = (
            Article.objects.filter(pk__in=candidates)
            .annotate(rank=SearchRank(F("live_version__search_vector"), search_query))
            .order_by("-rank", "live_version__title", "slug")
            .values_list("live_version_id", flat=True)
        )
        return list(rows)

    match = " ".join('"' + term.replace('"', "") + '"' for term in terms)
    listed_sql, listed_params = listed.values("live_version_id").query.sql_with_params()
    # The subquery is the ORM's own SQL for listed(); the reader's text is only ever a parameter.
    sql = f"""
        SELECT s.rowid FROM articles_search s
        JOIN articles_articleversion v ON v.id = s.rowid
        JOIN articles_article a ON a.live_version_id = v.id
        WHERE articles_search MATCH %s AND s.rowid IN (
            SELECT c.rowid FROM articles_search c WHERE articles_search MATCH %s AND c.rowid IN ({listed_sql}) LIMIT %s
        )
        ORDER BY bm25(articles_search, 10.0, 4.0, 1.0), v.title, a.slug
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, match, *listed_params, MAX_CANDIDATES])
        return [row[0] for row in cursor.fetchall()]


# --- snippets ------------------------------------------------------------------------------------------------------

_SUFFIXES = ("ing", "es", "ed", "s")
SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+(?=[.,;:!?)])")


def _stem(word: str) -> str:
    word = word.lower()
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _matches(word: str, stems: list[str]) -> bool:
    stem = _stem(word)
    return any(stem.startswith(s) or (s.startswith(stem) and len(stem) >= 4) for s in stems)


def highlight(text: str, terms: list[str]) -> SafeString:
    """`text` HTML-escaped, with words matching `terms` wrapped in <mark>."""
    stems = [_stem(term) for term in terms]
    parts = re.split(r"(\w+)", text)
    out = []
    for index, part in enumerate(parts):
        if index % 2 and _matches(part, stems):
            out.append(f"<mark>{escape(part)}</mark>")
        else:
            out.append(str(escape(part)))
    return mark_safe("".join(out))  # every piece of reader or content text above went through escape()


def snippet(version, terms: list[str]) -> SafeString:
    """The sentence of the summary, body or FAQ that matches most terms, trimmed, highlighted."""
    stems = [_stem(term) for term in terms]
    sentences = re.split(r"(?<=[.!?])\s+|\n", f"{version.summary}\n{version.search_text}".strip())
    best, best_score = sentences[0] if sentences else "", 0
    for sentence in sentences:
        score = len({s for s in stems for w in re.findall(r"\w+", sentence) if _matches(w, [s])})
        if score > best_score:
            best, best_score = sentence, score
    best = SPACE_BEFORE_PUNCTUATION.sub("", best)  # text frozen before derived.plain_text dropped it
    words = best.split()
    if len(words) > SNIPPET_WORDS:
        first = next((i for i, w in enumerate(words) if _matches(re.sub(r"\W", "", w), stems)), 0)
        start = max(0, min(first - SNIPPET_WORDS // 3, len(words) - SNIPPET_WORDS))
        best = ("… " if start else "") + " ".join(words[start : start + SNIPPET_WORDS]) + " …"
    return highlight(best, terms)


# --- the interface ---------------------------------------------------------------------------------------------------


@dataclass
class SearchHit:
    article: Article
    title: SafeString
    snippet: SafeString


@dataclass
class SearchResults:
    query: str
    terms: list[str]
    count: int = 0
    page: Page | None = None
    capped: bool = False  # more matches than MAX_CANDIDATES: the best of the first ones are shown
    hits: list[SearchHit] = field(default_factory=list)


def search_articles(query: str, page: int | str = 1, per_page: int = PER_PAGE) -> SearchResults:
    """Ranked listed articles matching every word of `query`, one page of them, with snippets."""
    terms = query_terms(query)
    results = SearchResults(query=(query or "").strip()[:MAX_QUERY_LENGTH], terms=terms)
    if not terms:
        return results
    version_ids = _ranked_version_ids(terms)
    paginator = Paginator(version_ids, per_page)
    results.count = paginator.count
    results.capped = results.count >= MAX_CANDIDATES
    results.page = paginator.get_page(page)
    page_ids = list(results.page.object_list)
    articles = {
        a.live_version_id: a
        for a in Article.objects.listed()
        .filter(live_version_id__in=page_ids)
        .select_related("live_version", "topic", "series")
    }
    for version_id in page_ids:
        article = articles.get(version_id)
        if article is not None:
            version = article.live_version
            results.hits.append(
                SearchHit(article=article, title=highlight(version.title, terms), snippet=snippet(version, terms))
            )
    return results
