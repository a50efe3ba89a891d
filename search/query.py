"""Full-text search over listed articles, with PostgreSQL's full-text search.

    search_articles(query, page) -> SearchResults

The index is one tsvector document per signed-off version (search/index.py, read through
`SearchDocument`): title (A), summary, causes, headings and FAQ questions (B), body and FAQ (C).
A query is the words of the reader's text (search/terms.py); an editor's synonym of a phrase of
it is searched as an alternative (`expand`). Matching and ranking are `SearchQuery` (websearch
syntax, english config) and `SearchRank`, raised where the reader's own words match and where
words stand together as in the query (`_score`); the title and the snippet are `SearchHeadline`,
so what is marked is exactly what PostgreSQL's english stemmer matched. Results are restricted
to `Article.objects.listed()`, so only live, non-archived articles are ever found, and old
signed-off versions in the index never surface.

No dead ends (`_fall_back`): when fewer than FEW articles match every word, search goes on step
by step: the articles matching most of the words (which also tells which words match nothing);
each word that matches nothing corrected to the closest word the site uses (search/vocabulary.py:
titles, headings, FAQ questions, cause names, and the words of the editors' synonyms), or left
out and said so on the page; the changed query, every word, then most of them.

Why lexical search with synonyms and a fallback, and no semantic layer (pgvector and a sentence-
embedding model): readers' words are brought to the articles' words by a list editors keep and
can read (search/migrations/0003 and the admin), so what a reader finds is what an editor can
explain, correct and review, as for any public text of a medical site; an embedding model's
neighbours are neither. The sentence-embedding libraries on PyPI (sentence-transformers,
fastembed) fetch their model's weights from a model hub at run time, which a deployment here
cannot do, and one would add large dependencies and milliseconds of CPU per query against a
50 ms budget at 100,000 articles (the embedded PostgreSQL does ship pgvector). And it had
nothing left to win: on the readers' queries of tests/search/test_lay_queries.py, every one
finds an intended article in the first three with the lexical layers alone, including sixteen
written after the change and not tuned for.
"""

import html
import re
from dataclasses import dataclass, field
from functools import reduce
from itertools import pairwise
from operator import add, and_, or_

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, Exists, F, FloatField, Func, IntegerField, OuterRef, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.utils.safestring import SafeString, mark_safe

from articles.lookups import EqualsAny
from articles.models import Article
from search import vocabulary
from search.models import SearchDocument, Synonym
from search.terms import MAX_QUERY_LENGTH, query_terms

CONFIG = "english"
PER_PAGE = 10
# Ranking reads every match; a very common word matches most of a large site. The index finds
# at most this many matches, and only those are ranked, so a search costs the same at any size.
# 300, measured at 100k articles (docs/PERFORMANCE.md): the ranked query took 15-90 ms with 1,000
# candidates, 3-17 ms with 300; a word matching more than 300 articles ranks the first 300 found.
MAX_CANDIDATES = 300
SNIPPET_WORDS = 32
FEW = 3  # fewer results than this: related synonyms join the search, and "did you mean" is offered

# A query is a list of groups that must all match; a group matches if any of its alternatives
# does; an alternative is words that must all match. Without synonyms: one word per group.
Alternative = tuple[str, ...]
Group = list[Alternative]

# --- synonyms ---------------------------------------------------------------------------------------------------------

# The english stemmer's form of each word of a text (stop words dropped), in order: the same
# dictionary the index uses, so "charley horses" in a query finds the synonym "charley horse".
_STEMS_OF_COLUMN = (
    "ARRAY(SELECT (ts_lexize('english_stem', w))[1] FROM regexp_split_to_table(lower({column}), '[^[:alnum:]]+')"
    " WITH ORDINALITY AS t(w, n) WHERE w <> '' AND ts_lexize('english_stem', w) <> '{{}}' ORDER BY n)"
)
_STEMS_OF_TERMS = (
    "ARRAY(SELECT coalesce((ts_lexize('english_stem', t))[1], t) FROM unnest(%s::text[]) WITH ORDINALITY AS u(t, n)"
    " ORDER BY n)"
)


@dataclass(frozen=True)
class SynonymRow:
    words: str
    same_as: str
    kind: str
    words_stems: tuple[str, ...]
    same_as_stems: tuple[str, ...]


@dataclass
class Synonyms:
    rows: list[SynonymRow]
    stems: dict[str, str]  # of the query's terms
    tables: dict[tuple[str, ...], dict] = field(default_factory=dict)  # _synonym_table's, by kinds

    def stems_of(self, terms: list[str]) -> list[str]:
        missing = [term for term in terms if term not in self.stems]
        if missing and self.rows:  # a corrected query: its new words (one query, only with synonyms)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {_STEMS_OF_TERMS}", [missing])
                self.stems.update(zip(missing, cursor.fetchone()[0], strict=True))
        return [self.stems.get(term, term) for term in terms]


def _starting_with_a_letter_of(terms: list[str]) -> str:
    """A regular expression for a text with a word that starts as one of the terms does. A term
    is letters and digits (search/terms.py), so none is special in a bracket expression."""
    return "(^|[^[:alnum:]])[" + "".join(sorted({term[0] for term in terms})) + "]"


def load_synonyms(terms: list[str]) -> Synonyms:
    """Every synonym the editors keep, and the stems of the query's terms (one query). The stems
    of a synonym's words are worked out only where a word of it starts as a term does (a stem
    keeps its word's first letter); the others serve only to correct misspellings."""
    letters = _starting_with_a_letter_of(terms)
    rows = Synonym.objects.annotate(
        words_stems=RawSQL(
            f"CASE WHEN lower(words || ' ' || same_as) ~ %s THEN {_STEMS_OF_COLUMN.format(column='words')} END",
            (letters,),
        ),
        same_as_stems=RawSQL(
            f"CASE WHEN lower(words || ' ' || same_as) ~ %s THEN {_STEMS_OF_COLUMN.format(column='same_as')} END",
            (letters,),
        ),
        term_stems=RawSQL(_STEMS_OF_TERMS, (terms,)),
    ).values_list("words", "same_as", "kind", "words_stems", "same_as_stems", "term_stems")
    synonyms = Synonyms(rows=[], stems={})
    for words, same_as, kind, words_stems, same_as_stems, term_stems in rows:
        synonyms.rows.append(SynonymRow(words, same_as, kind, tuple(words_stems or ()), tuple(same_as_stems or ())))
        synonyms.stems = synonyms.stems or dict(zip(terms, term_stems, strict=True))
    return synonyms


def plain_groups(terms: list[str]) -> list[Group]:
    return [[(term,)] for term in terms]


def _synonym_table(synonyms: Synonyms, kinds: list[str]) -> dict[tuple[str, ...], list[Alternative]]:
    """{phrase (stems): [its other wordings]} for the synonyms of these kinds."""
    key = tuple(kinds)
    if key not in synonyms.tables:
        synonyms.tables[key] = _table(synonyms, kinds)
    return synonyms.tables[key]


def _table(synonyms: Synonyms, kinds: list[str]) -> dict[tuple[str, ...], list[Alternative]]:
    table: dict[tuple[str, ...], list[Alternative]] = {}
    for row in synonyms.rows:
        if row.kind not in kinds or not (row.words_stems and row.same_as_stems):
            continue
        one, other = tuple(query_terms(row.words)), tuple(query_terms(row.same_as))
        if one and other and row.words_stems and row.same_as_stems:
            table.setdefault(row.words_stems, []).append(other)
            table.setdefault(row.same_as_stems, []).append(one)
    return table


def expand(terms: list[str], synonyms: Synonyms, kinds: list[str]) -> list[Group]:
    """The query's groups with the synonyms of `kinds`: a phrase of the query (longest first)
    becomes one group of its own wording or any of its synonyms."""
    table = _synonym_table(synonyms, kinds)
    if not table:
        return plain_groups(terms)
    longest = max(len(phrase) for phrase in table)
    stems = synonyms.stems_of(terms)
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


# --- matching and ranking ---------------------------------------------------------------------------------------------


def _alternative(words: Alternative) -> SearchQuery:
    # The words come from query_terms (letters and digits only), so websearch syntax sees plain words.
    return SearchQuery(" ".join(words), config=CONFIG, search_type="websearch")


def _group_query(group: Group) -> SearchQuery:
    """A group matches if any of its alternatives does."""
    return reduce(or_, map(_alternative, group))


def search_query(groups: list[Group]) -> SearchQuery:
    """Every group must match; a group matches if any of its alternatives does."""
    return reduce(and_, map(_group_query, groups))


# Ranking: PostgreSQL's rank of the document for the query (title A 1.0 > summary, causes, headings
# and FAQ questions B 0.4 > body C 0.2), raised when the reader's own words match (not only
# through a synonym) and when words of the query stand together in the article as in the query
# ("muscle relaxants", not "muscle" here and "relaxes" there): the article about a thing above
# those that mention its words apart.
OWN_WORDS_BONUS = 0.5
PHRASE_BONUS = 1.0


def _phrases(groups: list[Group]) -> SearchQuery | None:
    """Any wording of several words in a group, or two neighbouring words of the reader's, as a phrase."""
    texts = [" ".join(alternative) for group in groups for alternative in group if len(alternative) > 1]
    texts += [f"{one[0][-1]} {other[0][0]}" for one, other in pairwise(groups)]
    queries = [SearchQuery(text, config=CONFIG, search_type="phrase") for text in dict.fromkeys(texts)]
    return reduce(or_, queries) if queries else None


def _score(groups: list[Group], query: SearchQuery):
    def bonus(condition: SearchQuery, weight: float):
        return Case(When(document=condition, then=Value(1.0 + weight)), default=Value(1.0), output_field=FloatField())

    score = SearchRank(F("document"), query)
    if any(len(group) > 1 for group in groups):
        score = score * bonus(reduce(or_, [_alternative(group[0]) for group in groups]), OWN_WORDS_BONUS)
    phrases = _phrases(groups)
    if phrases is not None:
        score = score * bonus(phrases, PHRASE_BONUS)
    return score


def _ranked_version_ids(groups: list[Group]) -> list[int]:
    """Live version ids of listed articles matching every group, best first (ties by title,
    then slug)."""
    query = search_query(groups)
    # "Some listed article's live version is this one": probed per candidate through the unique
    # live_version index, so the scan of matches stops at MAX_CANDIDATES. (As `IN (listed)`, the
    # ordered subquery made PostgreSQL sort and hash every listed article first: 700 ms at 100k.)
    listed = Article.objects.listed().filter(live_version_id=OuterRef("version_id")).order_by()
    candidates = (SearchDocument.objects.filter(document=query).filter(Exists(listed)).order_by().values("version_id"))[
        :MAX_CANDIDATES
    ]
    # `version_id = ANY(ARRAY(...))`: the candidates are found first, then ranked.
    ranked = SearchDocument.objects.filter(EqualsAny(F("version_id"), ArraySubquery(candidates)))
    ranked = ranked.annotate(rank=_score(groups, query)).order_by("-rank", "version__title", "version__article__slug")
    return list(ranked.values_list("version_id", flat=True))


# With fewer than FEW matching every group, the articles matching any are ranked: most groups
# matched first. Each group brings at most this many candidates (a rare word all of its matches),
# MAX_CANDIDATES in all, so the cost stays that of the search of every word.
MIN_CANDIDATES_PER_GROUP = 50


def _ranked_any(groups: list[Group]) -> list[tuple[int, int]]:
    """(version id, the groups it matches as a bit mask) of live versions of listed articles
    matching any group: most groups matched first, then by rank, title and slug."""
    queries = [_group_query(group) for group in groups]
    per_group = max(MIN_CANDIDATES_PER_GROUP, MAX_CANDIDATES // len(groups))
    listed = Article.objects.listed().filter(live_version_id=OuterRef("version_id")).order_by()
    subsets = [
        ArraySubquery(
            SearchDocument.objects.filter(document=query)
            .filter(Exists(listed))
            .order_by()
            .values("version_id")[:per_group]
        )
        for query in queries
    ]
    # ARRAY(first group's) || ARRAY(second's) || ...: each subset found first (an InitPlan), then ranked
    candidates = Func(
        *subsets, template="(%(expressions)s)", arg_joiner=" || ", output_field=ArrayField(IntegerField())
    )

    def matches(query: SearchQuery, value: int) -> Case:
        return Case(When(document=query, then=Value(value)), default=Value(0), output_field=IntegerField())

    ranked = (
        SearchDocument.objects.filter(EqualsAny(F("version_id"), candidates))
        .annotate(
            matched=reduce(add, [matches(query, 1) for query in queries]),
            mask=reduce(add, [matches(query, 1 << i) for i, query in enumerate(queries)]),
            rank=_score(groups, reduce(or_, queries)),
        )
        .order_by("-matched", "-rank", "version__title", "version__article__slug")
    )
    return list(ranked.values_list("version_id", "mask"))


def synonym_words(synonyms: Synonyms) -> set[str]:
    """The words of the editors' synonyms, both sides: words search knows (a reader's misspelling
    of one is corrected to it) though no title or heading may use them."""
    return {
        word
        for row in synonyms.rows
        for word in query_terms(f"{row.words} {row.same_as}")
        if vocabulary.WORD.fullmatch(word)
    }


# --- marking ----------------------------------------------------------------------------------------------------------

# SearchHeadline marks matches with these (private-use characters); the text is HTML-escaped
# first, then each marked run becomes <mark>...</mark>.
_START, _STOP = "\ue000", "\ue001"
_MARKED = re.compile(f"{_START}([^{_START}{_STOP}]*){_STOP}")
SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+(?=[.,;:!?)])")


def marked(headline: str) -> SafeString:
    """A headline from PostgreSQL as safe HTML: every character escaped, matches in <mark>."""
    text = SPACE_BEFORE_PUNCTUATION.sub("", headline or "")  # text frozen before plain_text dropped it
    escaped = _MARKED.sub(r"<mark>\1</mark>", html.escape(text))
    return mark_safe(escaped.replace(_START, "").replace(_STOP, ""))


def _headline(expression, query: SearchQuery, **options) -> SearchHeadline:
    return SearchHeadline(expression, query, config=CONFIG, start_sel=_START, stop_sel=_STOP, **options)


# --- the interface ----------------------------------------------------------------------------------------------------


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
    corrected: str = ""  # nothing matched every word: these are the results for the words corrected or left out
    dropped: list[str] = field(default_factory=list)  # the reader's words that match no article (left out)
    partial: bool = False  # some results match only some of the words: ranked by how many they match
    suggestion: str = ""  # few matched: this corrected query may find more ("did you mean")


SAME, RELATED = Synonym.Kind.SAME, Synonym.Kind.RELATED


def _find(terms: list[str], synonyms: Synonyms) -> tuple[list[int], list[Group]]:
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


@dataclass
class _Found:
    version_ids: list[int]
    groups: list[Group]
    terms: list[str]
    partial: bool = False  # ranked by how many groups match: some match only some


def _find_most(found: _Found) -> tuple[_Found, list[int]]:
    """The articles matching any of found's groups, most groups matched first, and the groups each
    matches (a bit mask, in the order of the ids)."""
    ranked = _ranked_any(found.groups)
    full = (1 << len(found.groups)) - 1
    masks = [mask for _, mask in ranked]
    most = _Found([version_id for version_id, _ in ranked], found.groups, found.terms, any(m != full for m in masks))
    return most, masks


def _search(terms: list[str], synonyms: Synonyms) -> _Found:
    """Every word (`_find`); when that finds fewer than FEW, most of the words."""
    version_ids, groups = _find(terms, synonyms)
    found = _Found(version_ids, groups, terms)
    if len(version_ids) < FEW and len(groups) > 1:
        found = _find_most(found)[0]
    return found


def _fall_back(terms: list[str], synonyms: Synonyms, found: _Found, results: SearchResults) -> _Found:
    """Fewer than FEW articles match every word. Step by step: (1) the articles matching most of
    the words, which also tells which words match nothing; (2) each of those corrected to the
    closest word the site uses (its titles, headings and cause names, and the editors' synonyms),
    or left out and said so; (3) the changed query, every word, then most of them. If still few
    are found, a corrected query that finds more is offered ("did you mean")."""
    if len(found.groups) == 1:
        best, absent = found, [not found.version_ids]
    else:
        best, masks = _find_most(found)
        absent = [not any(mask >> i & 1 for mask in masks) for i in range(len(found.groups))]
        if not any(absent) and len(best.version_ids) >= FEW:
            return best
    closest = vocabulary.closest_words(terms, extra=synonym_words(synonyms))
    if any(absent):
        kept: list[str] = []
        for group, missing in zip(found.groups, absent, strict=True):
            for term in group[0]:  # the reader's own words of the group
                if not missing:
                    kept.append(term)
                elif closest.get(term) and closest[term] != term:
                    kept.append(closest[term])
                else:
                    results.dropped.append(term)
        kept = list(dict.fromkeys(kept))
        if not kept:
            return _Found([], [], terms)
        results.corrected = " ".join(kept)
        best = _search(kept, synonyms)
    if len(best.version_ids) < FEW:
        suggested = list(dict.fromkeys(closest.get(term) or term for term in best.terms))
        if suggested != best.terms:
            suggested_ids, _ = _find(suggested, synonyms)
            if len(suggested_ids) > len(best.version_ids):
                results.suggestion = " ".join(suggested)
    return best


def search_articles(query: str, page: int | str = 1, per_page: int = PER_PAGE) -> SearchResults:
    """Ranked listed articles matching every word of `query` (or one of its synonyms), one page
    of them, with snippets. If fewer than FEW match, the fallback (`_fall_back`): words corrected
    or left out, then the articles matching most of the words."""
    terms = query_terms(query)
    results = SearchResults(query=(query or "").strip()[:MAX_QUERY_LENGTH], terms=terms)
    if not terms:
        return results
    synonyms = load_synonyms(terms)
    version_ids, groups = _find(terms, synonyms)
    found = _Found(version_ids, groups, terms)
    if len(version_ids) < FEW:
        found = _fall_back(terms, synonyms, found, results)
    version_ids, groups = found.version_ids, found.groups
    results.partial = found.partial
    paginator = Paginator(version_ids, per_page)
    results.count = paginator.count
    results.capped = results.count >= MAX_CANDIDATES
    results.page = paginator.get_page(page)
    page_ids = list(results.page.object_list)
    if not page_ids:
        return results
    # Every word searched for, any of them, is marked where the stemmer finds it.
    any_word = reduce(or_, [_alternative((word,)) for group in groups for alternative in group for word in alternative])
    any_group = reduce(or_, map(_group_query, groups))
    text = Concat("live_version__summary", Value("\n"), "live_version__search_text", output_field=TextField())
    # The hits show the title and a passage: not the version's body, HTML, contents or back-links.
    unshown = ("body", "body_html", "toc", "citation_backlinks", "search_causes", "search_text")
    articles = {
        a.live_version_id: a
        for a in Article.objects.listed()
        .filter(live_version_id__in=page_ids)
        .select_related("live_version", "topic")
        .defer(*(f"live_version__{name}" for name in unshown))
        .annotate(
            title_headline=_headline("live_version__title", any_word, highlight_all=True),
            # the passage covering every word (a cover of the whole query; of any of them when the
            # article matches only some), each word marked
            snippet_headline=_headline(
                text,
                any_group if found.partial else search_query(groups),
                max_words=SNIPPET_WORDS,
                min_words=SNIPPET_WORDS // 2,
                max_fragments=1,
            ),
        )
    }
    for version_id in page_ids:
        article = articles.get(version_id)
        if article is not None:
            results.hits.append(
                SearchHit(
                    article=article,
                    title=marked(article.title_headline),
                    snippet=marked(article.snippet_headline),
                )
            )
    return results
