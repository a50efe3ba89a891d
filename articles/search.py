"""Full-text search over listed articles (PostgreSQL full-text search).

    search_articles(query, page) -> SearchResults

The index is a table `articles_search_document` (version_id, document tsvector,
GIN-indexed), weighted title (A) > summary and causes (B) > body and FAQ (C),
written by triggers when a version is signed off; ranked with ts_rank. The cause
names a version is found by are the current ones: a trigger on taxonomy_cause
re-indexes the versions that discuss a renamed cause. The signed-off version row
itself is never written (articles/immutability.py refuses that).

The query is the words of the reader's text, lower-cased, English stop words
dropped, all required (AND). Results are restricted to `Article.objects.listed()`
through the ORM, so only live, non-archived articles are ever found, and old
signed-off versions in the index never surface. Snippets are the best-matching
sentence, HTML-escaped, with matching words wrapped in <mark>.
"""

import html
import re
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe

from articles import vocabulary
from articles.models import Article, Synonym

PER_PAGE = 10
MAX_TERMS = 8
# Ranking reads every match; a very common word matches most of a large site. The index finds
# at most this many matches, and only those are ranked, so a search costs the same at any size.
# 300, measured at 100k articles (docs/PERFORMANCE.md): the ranked query took 15-90 ms with 1,000
# candidates, 3-17 ms with 300; a word matching more than 300 articles ranks the first 300 found.
MAX_CANDIDATES = 300
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


# PostgreSQL: the index is a table of its own, not a column of the version: a signed-off version
# never changes, but the cause names it is found by follow the taxonomy (a renamed cause is found
# by its new name). A version's document is written when it is signed off (from the cause names
# frozen with it, which are the current ones at that moment) and rewritten for every version that
# discusses a cause when that cause is renamed.
_PG_DOCUMENT = """
    setweight(to_tsvector('pg_catalog.english', coalesce({title}, '')), 'A') ||
    setweight(to_tsvector('pg_catalog.english', coalesce({summary}, '') || ' ' || coalesce({causes}, '')), 'B') ||
    setweight(to_tsvector('pg_catalog.english', coalesce({text}, '')), 'C')"""
_PG_CURRENT_CAUSES = """(SELECT string_agg(c.name, ' ') FROM articles_versioncause vc
    JOIN taxonomy_cause c ON c.id = vc.tag_id WHERE vc.content_object_id = v.id)"""
POSTGRES_INDEX_SQL = [
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
        _PG_DOCUMENT.format(
            title="NEW.title", summary="NEW.summary", causes="NEW.search_causes", text="NEW.search_text"
        )
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
         UPDATE articles_search_document d SET document = {
        _PG_DOCUMENT.format(title="v.title", summary="v.summary", causes=_PG_CURRENT_CAUSES, text="v.search_text")
    }
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
POSTGRES_DOCUMENT_OF_VERSIONS = f"""
    INSERT INTO articles_search_document (version_id, document)
    SELECT v.id, {
    _PG_DOCUMENT.format(title="v.title", summary="v.summary", causes=_PG_CURRENT_CAUSES, text="v.search_text")
}
    FROM articles_articleversion v WHERE v.status = 'approved' AND v.id IN ({{versions}})"""
POSTGRES_REBUILD_SQL = [
    "DELETE FROM articles_search_document",
    POSTGRES_DOCUMENT_OF_VERSIONS.format(versions="SELECT id FROM articles_articleversion"),
]
POSTGRES_DROP_SQL = [
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
    _run(conn, POSTGRES_INDEX_SQL + (POSTGRES_REBUILD_SQL if rebuild else []))


def drop_search_index(conn=None) -> None:
    _run(conn or connection, POSTGRES_DROP_SQL)


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


# A query is a list of groups that must all match; a group matches if any of its alternatives
# does; an alternative is words that must all match. Without synonyms: one word per group.
Alternative = tuple[str, ...]
Group = list[Alternative]
FEW = 3  # fewer results than this: related synonyms join the search, and "did you mean" is offered


def plain_groups(terms: list[str]) -> list[Group]:
    return [[(term,)] for term in terms]


def load_synonyms() -> list[tuple[str, str, str]]:
    """(words, same_as, kind) of every synonym the editors keep (one query; the list is short)."""
    return list(Synonym.objects.values_list("words", "same_as", "kind"))


def _synonym_table(synonyms: list[tuple[str, str, str]], kinds: list[str]) -> dict[tuple[str, ...], list[Alternative]]:
    """{phrase (stemmed words): [its other wordings]} for the synonyms of these kinds."""
    table: dict[tuple[str, ...], list[Alternative]] = {}
    for words, same_as, kind in synonyms:
        if kind not in kinds:
            continue
        one, other = tuple(query_terms(words)), tuple(query_terms(same_as))
        if one and other:
            table.setdefault(tuple(map(_stem, one)), []).append(other)
            table.setdefault(tuple(map(_stem, other)), []).append(one)
    return table


def expand(terms: list[str], synonyms: list[tuple[str, str, str]], kinds: list[str]) -> list[Group]:
    """The query's groups with the synonyms of `kinds`: a phrase of the query (longest first)
    becomes one group of its own wording or any of its synonyms."""
    table = _synonym_table(synonyms, kinds)
    if not table:
        return plain_groups(terms)
    longest = max(len(phrase) for phrase in table)
    stems = [_stem(term) for term in terms]
    groups: list[Group] = []
    i = 0
    while i < len(terms):
        for size in range(min(longest, len(terms) - i), 0, -1):
            others = table.get(tuple(stems[i : i + size]))
            if others:
                groups.append([tuple(terms[i : i + size]), *dict.fromkeys(others)])
                i += size
                break
        else:
            groups.append([(terms[i],)])
            i += 1
    return groups


def _postgres_query(groups: list[Group]) -> tuple[str, list[str]]:
    """A tsquery expression and its parameters (the reader's words are only ever parameters)."""
    parts, params = [], []
    for group in groups:
        alternatives = []
        for alternative in group:
            alternatives.append("plainto_tsquery('pg_catalog.english', %s)")
            params.append(" ".join(alternative))
        parts.append("(" + " || ".join(alternatives) + ")")
    return " && ".join(parts), params


def _ranked_version_ids(groups: list[Group]) -> list[int]:
    """Live version ids of listed articles matching every group, best first (ties by title,
    then slug). Articles matching the reader's own words come before those found only through
    a synonym, so synonyms never change the order of exact matches."""
    exact = [[group[0]] for group in groups]
    expanded = any(len(group) > 1 for group in groups)
    # "Some listed article's live version is this one": probed per candidate through the unique
    # live_version index, so the scan of matches stops at MAX_CANDIDATES. (As `IN (listed)`, the
    # ordered subquery made PostgreSQL sort and hash every listed article first: 700 ms at 100k.)
    listed_sql, listed_params = (
        Article.objects.listed()
        .filter(live_version_id=RawSQL("c.version_id", ()))
        .order_by()
        .values("pk")
        .query.sql_with_params()
    )
    # The subquery is the ORM's own SQL for listed(); the reader's text is only ever a parameter.
    query, params = _postgres_query(groups)
    exact_query, exact_params = _postgres_query(exact) if expanded else ("", [])
    tier = f"d.document @@ ({exact_query}) DESC," if expanded else ""
    sql = f"""
        SELECT d.version_id FROM articles_search_document d
        JOIN articles_articleversion v ON v.id = d.version_id
        JOIN articles_article a ON a.live_version_id = d.version_id
        WHERE d.version_id = ANY(ARRAY(
            SELECT c.version_id FROM articles_search_document c
            WHERE c.document @@ ({query}) AND EXISTS ({listed_sql}) LIMIT %s
        ))
        ORDER BY {tier} ts_rank(d.document, ({query})) DESC, v.title, a.slug
    """
    all_params = [*params, *listed_params, MAX_CANDIDATES, *exact_params, *params]
    with connection.cursor() as cursor:
        cursor.execute(sql, all_params)
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


class _Stems:
    """The query's stems, and which of them each word matches, remembered per word.

    A word can match a stem only if it starts with the stem's first four letters (`_matches`:
    the word's stem extends the stem, or is a prefix of it four letters or longer), so one
    regular expression finds the few words of a sentence worth testing."""

    def __init__(self, terms: list[str]):
        self.stems = list(dict.fromkeys(_stem(term) for term in terms))
        starts = "|".join(sorted({re.escape(s[:4]) for s in self.stems}))
        self._candidates = re.compile(rf"(?<!\w)(?:{starts})\w*", re.IGNORECASE) if self.stems else None
        self._seen: dict[str, frozenset[str]] = {}

    def of(self, word: str) -> frozenset[str]:
        """The stems `word` matches."""
        found = self._seen.get(word)
        if found is None:
            found = self._seen[word] = frozenset(s for s in self.stems if _matches(word, [s]))
        return found

    def score(self, text: str) -> int:
        """How many of the stems the words of `text` match."""
        if self._candidates is None:
            return 0
        return len(frozenset().union(*map(self.of, self._candidates.findall(text))))


def highlight(text: str, terms: list[str], stems: _Stems | None = None) -> SafeString:
    """`text` HTML-escaped, with words matching `terms` wrapped in <mark>."""
    stems = stems or _Stems(terms)
    parts = re.split(r"(\w+)", text)
    for index in range(1, len(parts), 2):  # the words: nothing to escape in \w characters
        if stems.of(parts[index]):
            parts[index] = f"<mark>{parts[index]}</mark>"
    for index in range(0, len(parts), 2):  # what lies between them: escaped
        parts[index] = html.escape(parts[index])
    return mark_safe("".join(parts))  # every piece of reader or content text above is escaped or a word


def snippet(version, terms: list[str], stems: _Stems | None = None) -> SafeString:
    """The sentence of the summary, body or FAQ that matches most terms, trimmed, highlighted."""
    stems = stems or _Stems(terms)
    sentences = re.split(r"(?<=[.!?])\s+|\n", f"{version.summary}\n{version.search_text}".strip())
    best, best_score = sentences[0] if sentences else "", 0
    for sentence in sentences:
        score = stems.score(sentence)
        if score > best_score:
            best, best_score = sentence, score
            if score == len(stems.stems):
                break  # no later sentence can match more
    best = SPACE_BEFORE_PUNCTUATION.sub("", best)  # text frozen before derived.plain_text dropped it
    words = best.split()
    if len(words) > SNIPPET_WORDS:
        first = next((i for i, w in enumerate(words) if stems.of(re.sub(r"\W", "", w))), 0)
        start = max(0, min(first - SNIPPET_WORDS // 3, len(words) - SNIPPET_WORDS))
        best = ("… " if start else "") + " ".join(words[start : start + SNIPPET_WORDS]) + " …"
    return highlight(best, terms, stems)


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
    corrected: str = ""  # nothing matched the query: these are the results for this corrected one
    suggestion: str = ""  # few matched: this corrected query may find more ("did you mean")


SAME, RELATED = Synonym.Kind.SAME, Synonym.Kind.RELATED


def _find(terms: list[str], synonyms) -> tuple[list[int], list[Group]]:
    """Ranked version ids for the terms with the "same" synonyms, and with the related ones too
    when those alone find fewer than FEW."""
    groups = expand(terms, synonyms, [SAME])
    version_ids = _ranked_version_ids(groups)
    if len(version_ids) < FEW:
        related = expand(terms, synonyms, [SAME, RELATED])
        if related != groups:
            more = _ranked_version_ids(related)
            if len(more) > len(version_ids):
                return more, related
    return version_ids, groups


def search_articles(query: str, page: int | str = 1, per_page: int = PER_PAGE) -> SearchResults:
    """Ranked listed articles matching every word of `query` (or one of its synonyms), one page
    of them, with snippets. If nothing matches, the results of the query with its misspelled
    words corrected from the site's own vocabulary; if little matches, that query as a suggestion."""
    terms = query_terms(query)
    results = SearchResults(query=(query or "").strip()[:MAX_QUERY_LENGTH], terms=terms)
    if not terms:
        return results
    synonyms = load_synonyms()
    version_ids, groups = _find(terms, synonyms)
    if len(version_ids) < FEW:
        corrected = vocabulary.correct(terms)
        if corrected != terms:
            corrected_ids, corrected_groups = _find(corrected, synonyms)
            if not version_ids and corrected_ids:
                version_ids, groups, results.corrected = corrected_ids, corrected_groups, " ".join(corrected)
            elif len(corrected_ids) > len(version_ids):
                results.suggestion = " ".join(corrected)
    marked = list(dict.fromkeys(word for group in groups for alternative in group for word in alternative))
    paginator = Paginator(version_ids, per_page)
    results.count = paginator.count
    results.capped = results.count >= MAX_CANDIDATES
    results.page = paginator.get_page(page)
    page_ids = list(results.page.object_list)
    # The hits show the title, summary and a sentence of the search text: not the version's
    # body, HTML, contents or back-links (JSON decoded for each row).
    unshown = ("body", "body_html", "toc", "citation_backlinks", "search_causes", "search_vector")
    articles = {
        a.live_version_id: a
        for a in Article.objects.listed()
        .filter(live_version_id__in=page_ids)
        .select_related("live_version", "topic")
        .defer(*(f"live_version__{name}" for name in unshown))
    }
    stems = _Stems(marked)
    for version_id in page_ids:
        article = articles.get(version_id)
        if article is not None:
            version = article.live_version
            results.hits.append(
                SearchHit(
                    article=article,
                    title=highlight(version.title, marked, stems),
                    snippet=snippet(version, marked, stems),
                )
            )
    return results
