"""The words of a reader's query that search uses."""

import re

MAX_TERMS = 8
MAX_QUERY_LENGTH = 200

# PostgreSQL's english stop words (tsearch_data/english.stop): never searched for.
_STOP_WORDS_TEXT = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
    herself it its itself they them their theirs themselves what which who whom this that these those am is are
    was were be been being have has had having do does did doing a an the and but if or because as until while
    of at by for with about against between into through during before after above below to from up down in out
    on off over under again further then once here there when where why how all any both each few more most
    other some such no nor not only own same so than too very s t can will just don should now"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


def query_terms(query: str) -> list[str]:
    """The words that must all match: lower-cased, stop words dropped, at most MAX_TERMS."""
    words = re.findall(r"\w+", (query or "")[:MAX_QUERY_LENGTH].lower())
    terms: list[str] = []
    for word in words:
        word = word.strip("_")
        if word and word not in STOP_WORDS and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]
