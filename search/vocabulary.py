"""The site's own words, for "did you mean": titles, headings, FAQ questions and cause names.

    correct(terms) -> list[str]     each word the listed articles do not use, replaced by the
                                    closest one they do (or kept when nothing is close)

The vocabulary is a table (`VocabularyWord`): the words of a version's title,
headings and FAQ questions, written when it is signed off (`index_version`,
on the version_frozen signal of `freeze_derived_content`), and the words of each cause's current name
(`index_cause`, on every save of a cause). Suggestions come only from listed
articles: a version's words count while it is the live version of a listed
article, a cause's while such a version discusses it. Draft text is never in it.

Finding the closest word: a bounded candidate set from the database, through
pg_trgm's `%` operator on a trigram GIN index, then scoring in Python (edit
distance, then first letter, then how often the site uses the word).
"""

import re

from django.contrib.postgres.lookups import TrigramSimilar
from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Count, F, Q, QuerySet, Value

from articles.models import Article, VersionCause
from search.models import VocabularyWord
from search.terms import STOP_WORDS

MIN_WORD = 3
MAX_WORD = 40
CANDIDATES = 50  # words scored in Python for one misspelled word
WORD = re.compile(rf"[^\W\d_]{{{MIN_WORD},{MAX_WORD}}}")


def words_of(*texts: str) -> set[str]:
    return {word for text in texts for word in WORD.findall((text or "").lower()) if word not in STOP_WORDS}


def index_version(version, faq: list) -> None:
    """Record the words of a version being signed off (title, headings, FAQ questions)."""
    words = words_of(version.title, *(heading["text"] for heading in version.toc), *(e.question for e in faq))
    VocabularyWord.objects.filter(version=version).delete()
    VocabularyWord.objects.bulk_create(VocabularyWord(word=word, version=version) for word in sorted(words))


def version_frozen(sender, version, faq, **kwargs) -> None:
    """articles.signals.version_frozen: record the words of the version being signed off."""
    index_version(version, faq)


def index_cause(cause) -> None:
    """Record the words of a cause's current name (called whenever a cause is saved)."""
    VocabularyWord.objects.filter(cause=cause).delete()
    VocabularyWord.objects.bulk_create(VocabularyWord(word=word, cause=cause) for word in sorted(words_of(cause.name)))


def cause_saved(sender, instance, **kwargs) -> None:
    """A cause was created or renamed: search and "did you mean" use its current name."""
    if kwargs.get("raw"):
        return  # loaddata or a restore: the rows come as they were, vocabulary included
    index_cause(instance)  # the search index follows the name by itself (a trigger on taxonomy_cause)


def listed_vocabulary() -> QuerySet:
    """Vocabulary rows of listed articles: their live versions' words and their causes' names."""
    live = Article.objects.listed().values("live_version_id")
    causes = VersionCause.objects.filter(content_object_id__in=live).values("tag_id")
    return VocabularyWord.objects.filter(Q(version_id__in=live) | Q(cause_id__in=causes))


def _candidates(terms: list[str]) -> dict[str, list[tuple[str, int]]]:
    """{term: (word, uses) of up to CANDIDATES listed words that look like it}, for all the terms
    in one query (a UNION ALL of one bounded lookup per term)."""
    found: dict[str, list[tuple[str, int]]] = {term: [] for term in terms}
    lookups = []
    for term in terms:
        # `%`: pg_trgm's similarity above its threshold (0.3 unless the server sets another), on the GIN index
        lookups.append(
            listed_vocabulary()
            .values("word")
            .filter(TrigramSimilar(F("word"), Value(term)))
            .annotate(uses=Count("id"), similarity=TrigramSimilarity("word", Value(term)), term=Value(term))
            .order_by("-similarity", "word")
            .values_list("term", "word", "uses")[:CANDIDATES]
        )
    if lookups:
        rows = lookups[0].union(*lookups[1:], all=True) if len(lookups) > 1 else lookups[0]
        for term, word, uses in rows:
            found[term].append((word, uses))
    return found


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        previous2, previous = previous, current
    return previous[-1]


def allowed_distance(word: str) -> int:
    """How many typing slips a word of this length may hold and still be corrected."""
    length = len(word)
    return 0 if length < 4 else 1 if length <= 5 else 2 if length <= 9 else 3


def _closest(term: str, candidates: list[tuple[str, int]], extra: list[str]) -> str | None:
    """The closest of the site's words (word, uses), else of the extra words (a stricter match:
    one slip in a word of 5 letters or more), else None."""
    scored = []
    for word, uses in candidates:
        if word == term:
            return term
        distance = edit_distance(term, word)
        if distance <= allowed_distance(term):
            scored.append((distance, word[0] != term[0], 0, -uses, word))
    for word in extra:
        distance = edit_distance(term, word)
        if distance <= min(1, allowed_distance(term) - 1):
            scored.append((distance, word[0] != term[0], 1, 0, word))
    return min(scored)[-1] if scored else None


def closest_words(terms: list[str], extra: set[str] | frozenset[str] = frozenset()) -> dict[str, str | None]:
    """{term: the term itself if the listed articles use it, else the closest word they use, else None}
    (one query for all the terms). `extra` are words search knows although no title or heading
    may use them (the editors' synonyms): a term may be corrected to one of them."""
    words = [term for term in dict.fromkeys(terms) if WORD.fullmatch(term)]
    found = _candidates(words)
    closest: dict[str, str | None] = dict.fromkeys(terms)
    for term in words:
        if term in extra:
            closest[term] = term
            continue
        # the extra words that could be close (cheap tests first: the edit distance is Python)
        near = [word for word in extra if abs(len(word) - len(term)) <= 1 and word[:1] == term[:1]]
        closest[term] = _closest(term, found[term], near)
    return closest


def closest_word(term: str) -> str | None:
    """`term` itself if the listed articles use it, else the closest word they use, else None."""
    return closest_words([term])[term]


def correct(terms: list[str]) -> list[str]:
    """The terms, each unknown word replaced by the closest listed word (unchanged if none is close)."""
    closest = closest_words(terms)
    return [closest[term] or term for term in terms]
