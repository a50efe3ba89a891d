"""Full-text search over listed articles, with PostgreSQL's full-text search.

    search_articles(query, page) -> SearchResults

The index is one tsvector document per signed-off version (search/index.py, read through
`SearchDocument`). A query is the words of the reader's text (search/terms.py), all required;
an editor's synonym of a phrase of it is searched as an alternative (`expand`). Matching and
ranking are `SearchQuery` (websearch syntax, english config) and `SearchRank`; the title and
the snippet are `SearchHeadline`, so what is marked is exactly what PostgreSQL's english
stemmer matched. Results are restricted to `Article.objects.listed()`, so only live,
non-archived articles are ever found, and old signed-off versions in the index never surface.
"""

import html
import re
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, Exists, F, IntegerField, OuterRef, TextField, Value, When
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

    def stems_of(self, terms: list[str]) -> list[str]:
        missing = [term for term in terms if term not in self.stems]
        if missing and self.rows:  # a corrected query: its new words (one query, only with synonyms)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {_STEMS_OF_TERMS}", [missing])
                self.stems.update(zip(missing, cursor.fetchone()[0], strict=True))
        return [self.stems.get(term, term) for term in terms]


def load_synonyms(terms: list[str]) -> Synonyms:
    """Every synonym the editors keep, with the stems of its words and of the query's terms (one query)."""
    rows = Synonym.objects.annotate(
        words_stems=RawSQL(_STEMS_OF_COLUMN.format(column="words"), ()),
        same_as_stems=RawSQL(_STEMS_OF_COLUMN.format(column="same_as"), ()),
        term_stems=RawSQL(_STEMS_OF_TERMS, (terms,)),
    ).values_list("words", "same_as", "kind", "words_stems", "same_as_stems", "term_stems")
    synonyms = Synonyms(rows=[], stems={})
    for words, same_as, kind, words_stems, same_as_stems, term_stems in rows:
        synonyms.rows.append(SynonymRow(words, same_as, kind, tuple(words_stems), tuple(same_as_stems)))
        synonyms.stems = dict(zip(terms, term_stems, strict=True))
    return synonyms


def plain_groups(terms: list[str]) -> list[Group]:
    return [[(term,)] for term in terms]


def _synonym_table(synonyms: Synonyms, kinds: list[str]) -> dict[tuple[str, ...], list[Alternative]]:
    """{phrase (stems): [its other wordings]} for the synonyms of these kinds."""
    table: dict[tuple[str, ...], list[Alternative]] = {}
    for row in synonyms.rows:
        if row.kind not in kinds:
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


def search_query(groups: list[Group]) -> SearchQuery:
    """Every group must match; a group matches if any of its alternatives does."""
    return reduce(and_, [reduce(or_, map(_alternative, group)) for group in groups])


def _ranked_version_ids(groups: list[Group]) -> list[int]:
    """Live version ids of listed articles matching every group, best first (ties by title,
    then slug). Articles matching the reader's own words come before those found only through
    a synonym, so synonyms never change the order of exact matches."""
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
    order = []
    if any(len(group) > 1 for group in groups):
        exact = search_query([[group[0]] for group in groups])
        ranked = ranked.annotate(
            exact=Case(When(document=exact, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
        order.append("-exact")
    ranked = ranked.annotate(rank=SearchRank(F("document"), query))
    order += ["-rank", "version__title", "version__article__slug"]
    return list(ranked.order_by(*order).values_list("version_id", flat=True))


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
    corrected: str = ""  # nothing matched the query: these are the results for this corrected one
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


def search_articles(query: str, page: int | str = 1, per_page: int = PER_PAGE) -> SearchResults:
    """Ranked listed articles matching every word of `query` (or one of its synonyms), one page
    of them, with snippets. If nothing matches, the results of the query with its misspelled
    words corrected from the site's own vocabulary; if little matches, that query as a suggestion."""
    terms = query_terms(query)
    results = SearchResults(query=(query or "").strip()[:MAX_QUERY_LENGTH], terms=terms)
    if not terms:
        return results
    synonyms = load_synonyms(terms)
    version_ids, groups = _find(terms, synonyms)
    if len(version_ids) < FEW:
        corrected = vocabulary.correct(terms)
        if corrected != terms:
            corrected_ids, corrected_groups = _find(corrected, synonyms)
            if not version_ids and corrected_ids:
                version_ids, groups, results.corrected = corrected_ids, corrected_groups, " ".join(corrected)
            elif len(corrected_ids) > len(version_ids):
                results.suggestion = " ".join(corrected)
    paginator = Paginator(version_ids, per_page)
    results.count = paginator.count
    results.capped = results.count >= MAX_CANDIDATES
    results.page = paginator.get_page(page)
    page_ids = list(results.page.object_list)
    if not page_ids:
        return results
    # Every word searched for, any of them, is marked where the stemmer finds it.
    any_word = reduce(or_, [_alternative((word,)) for group in groups for alternative in group for word in alternative])
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
            # the passage covering every word (a cover of the whole query), each word marked
            snippet_headline=_headline(
                text, search_query(groups), max_words=SNIPPET_WORDS, min_words=SNIPPET_WORDS // 2, max_fragments=1
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
