"""Search: PostgreSQL full-text search over live articles only."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from articles import services
from articles.models import Article, ArticleVersion
from search.query import search_articles
from search.terms import query_terms
from tests.production import ROOT

pytestmark = pytest.mark.django_db

DEMO_QUERIES = {
    "night cramps": ["night-leg-cramps", "muscle-spasms-faq"],
    "why does my calf cramp at night": ["night-leg-cramps", "muscle-spasms-faq"],
    "dystonia": ["dystonia", "diagnosing-and-treating-muscle-spasms"],
    "colic": ["smooth-muscle-spasms-and-colic", "what-causes-muscle-spasms"],
    "botulinum toxin": ["dystonia", "diagnosing-and-treating-muscle-spasms"],
    "statins": ["medicines-and-substances-that-cause-muscle-cramps"],
}
DEMO_COUNTS = {"night cramps": 5, "dystonia": 6, "colic": 4, "botulinum toxin": 2, "statins": 6}


@pytest.fixture
def demo_content(db):
    call_command("load_content", str(ROOT / "fixtures"), verbosity=0)


def slugs(query, page=1):
    return [hit.article.slug for hit in search_articles(query, page).hits]


def test_the_demo_content_gives_the_expected_top_results(demo_content):
    for query, expected_top in DEMO_QUERIES.items():
        assert slugs(query)[: len(expected_top)] == expected_top, query
    for query, count in DEMO_COUNTS.items():
        assert search_articles(query).count == count, query
    assert search_articles("zzyzx").count == 0


def test_title_outranks_summary_and_causes_which_outrank_the_body(draft_factory, submit, approve):
    def live(slug, title, body, summary=None):
        version = draft_factory(slug=slug, title=title, body=body)
        if summary:
            version.summary = summary
            version.save()
        submit(version)
        approve(version)

    live("in-body", "Leg pain", "Some people get a charley horse [@1].")
    live("in-title", "Charley horse explained", "All about it [@1].")
    live("in-summary", "Cramps in sport", "Nothing here [@1].", summary="What a charley horse is.")
    assert slugs("charley horse") == ["in-title", "in-summary", "in-body"]


def test_body_faq_and_cause_names_are_searchable_with_stemming(draft_factory, submit, approve, cause):
    from articles.models import FaqEntry

    version = draft_factory(slug="faq-only", title="General", body="Nothing [@1].")
    FaqEntry.objects.create(version=version, question="Do bananas help?", answer="Potassium rarely helps cramping.")
    submit(version)
    approve(version)
    assert slugs("banana") == ["faq-only"]  # stemmed: bananas
    assert slugs("cramps potassium") == ["faq-only"]  # cramping ~ cramps
    assert slugs(cause.name.lower()) == ["faq-only"]  # causes are indexed
    # a word that matches nothing is left out, and the page says so
    results = search_articles("bananas unicorn")
    assert [hit.article.slug for hit in results.hits] == ["faq-only"]
    assert (results.corrected, results.dropped) == ("bananas", ["unicorn"])


def test_only_listed_articles_are_found(publish, draft_factory, submit, editor, now):
    draft_factory(slug="draft", title="Quinine draft")
    submit(draft_factory(slug="awaiting", title="Quinine awaiting"))
    live = publish(slug="live", title="Quinine live")
    assert slugs("quinine") == ["live"]

    # a new draft of a live article is not searchable until signed off; the live text stays
    draft = services.start_draft(article=live, user=editor)
    draft.title = "Tonic water revision"
    draft.save()
    submit(draft)
    assert slugs("tonic") == []
    assert slugs("quinine") == ["live"]

    Article.objects.filter(pk=live.pk).update(archived_at=now)
    assert slugs("quinine") == []


def test_a_signed_off_revision_replaces_the_old_text_in_search(publish, editor, submit, approve):
    article = publish(slug="revised", title="Quinine for cramps")
    draft = services.start_draft(article=article, user=editor)
    draft.title = "Magnesium for cramps"
    draft.summary = "About magnesium."
    draft.save()
    submit(draft)
    approve(draft)
    assert slugs("magnesium") == ["revised"]
    assert slugs("quinine") == []


def test_snippets_are_escaped_then_highlighted(draft_factory, submit, approve):
    body = "Cramps &amp; <script>alert(1)</script> spasm."
    version = draft_factory(slug="xss", title="Cramps <b>bold</b>", body=body)
    submit(version)
    approve(version)
    hit = search_articles("cramps").hits[0]
    assert "<script" not in hit.snippet and "<b>" not in hit.title
    assert str(hit.title) == "<mark>Cramps</mark> &lt;b&gt;bold&lt;/b&gt;"
    assert "<mark>" in hit.snippet


def test_the_readers_query_is_not_trusted(publish, reader):
    publish()
    for query in ['"', "cramps OR night", "NEAR(a b)", "night*", "' OR 1=1 --", "<script>alert(1)</script>", "a" * 500]:
        response = reader.get(reverse("articles:search"), {"q": query})
        assert response.status_code == 200, query
        assert "<script>alert(1)</script>" not in response.content.decode()
    assert query_terms("Why does MY calf cramp at night?") == ["calf", "cramp", "night"]
    assert query_terms("the and of") == []


def test_paging_keeps_the_ranking(draft_factory, submit, approve, reader):
    for n in range(12):
        version = draft_factory(slug=f"cramp-{n:02d}", title=f"Cramp {n:02d}")
        submit(version)
        approve(version)
    first, second = slugs("cramp", 1), slugs("cramp", 2)
    assert len(first) == 10 and len(second) == 2 and not set(first) & set(second)
    page = reader.get(reverse("articles:search"), {"q": "cramp", "page": 2}).content.decode()
    assert "12 articles match" in page and "page 2 of 2" in page and 'rel="prev"' in page
    assert page.count('class="result"') == 2


def test_no_results_page_helps_the_reader_on(publish, reader, cause):
    publish()
    # no word matches (part of a cause's name is not a word of it)
    page = reader.get(reverse("articles:search"), {"q": "hydra zzyzx"}).content.decode()
    assert "No article matches" in page and 'class="result"' not in page
    assert f'href="{cause.get_absolute_url()}"' in page  # a cause named like a word of the query
    assert 'href="/causes/"' in page and "Bones, Joints and Muscles" in page
    assert '<meta name="robots" content="noindex">' in page


def test_words_that_match_nothing_are_left_out_and_the_page_says_so(publish, reader, cause):
    publish()
    page = reader.get(reverse("articles:search"), {"q": "dehydration zzyzx"}).content.decode()
    assert (
        'No article matches “dehydration zzyzx”. Showing results for <a href="?q=dehydration">'
        "<strong>dehydration</strong></a>; no match for <em>zzyzx</em>."
    ) in page
    assert page.count('class="result"') == 1 and "1 article matches “dehydration”" in page


def assert_the_database_indexes_a_sign_off(draft_factory, submit) -> None:
    """A version signed off by a bare UPDATE (no Python indexing call, as generate_content does) is found."""
    version = submit(draft_factory(slug="bulk", title="Magnesium handbook"))
    assert slugs("magnesium") == []
    ArticleVersion.objects.filter(pk=version.pk).update(status=ArticleVersion.Status.APPROVED)
    Article.objects.filter(pk=version.article_id).update(live_version=version.pk)
    assert slugs("magnesium") == ["bulk"]


def test_the_search_index_is_maintained_by_the_database(publish, draft_factory, submit):
    publish(slug="kept", title="Quinine kept")
    assert slugs("quinine") == ["kept"]  # indexed by the sign-off itself
    assert_the_database_indexes_a_sign_off(draft_factory, submit)


def test_the_database_triggers_keep_the_index(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'articles_search_document_gin'")
        assert "gin (document)" in cursor.fetchone()[0]
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'articles_search_%' ORDER BY tgname")
        assert [row[0] for row in cursor.fetchall()] == [
            "articles_search_cause_renamed",
            "articles_search_version_delete",
            "articles_search_version_insert",
            "articles_search_version_update",
        ]


def test_rebuilding_and_reinstalling_the_index_are_idempotent(publish, draft_factory, submit):
    from search.index import drop_search_index, install_search_index

    publish(slug="kept", title="Quinine kept")
    install_search_index(rebuild=True)
    install_search_index()
    assert slugs("quinine") == ["kept"]
    drop_search_index()
    install_search_index(rebuild=True)
    assert slugs("quinine") == ["kept"]
    assert_the_database_indexes_a_sign_off(draft_factory, submit)


def test_a_very_common_word_ranks_a_bounded_set_and_says_so(publish, monkeypatch, reader):
    from search import query as search

    for n in range(5):
        publish(slug=f"cramp-{n}", title=f"Cramp article {n}", body="Cramps again [@1].")
    monkeypatch.setattr(search, "MAX_CANDIDATES", 3)
    results = search.search_articles("cramps")
    assert results.count == 3 and results.capped
    assert len(results.hits) == 3
    page = reader.get("/search/?q=cramps").content.decode()
    assert "3 or more articles match" in page


def test_snippets_leave_no_space_where_a_citation_marker_was_removed(draft_factory, submit, approve):
    version = draft_factory(
        slug="tied", title="Fatigue", body="Cramps after exercise are closely tied to it [@1]. Rest helps."
    )
    submit(version)
    approve(version)
    hit = search_articles("tied").hits[0]
    assert "<mark>tied</mark> to it." in hit.snippet and " ." not in hit.snippet


def test_the_snippet_is_a_passage_matching_the_words_with_every_stemmed_form_marked(draft_factory, submit, approve):
    """What is marked is what PostgreSQL's english stemmer matched: cramping ~ cramps, Statin ~ statins."""
    version = draft_factory(
        slug="statins",
        title="Statins",
        body="Stretching helps at bedtime [@1]. "
        + "Filler words about something else entirely go on here. " * 12
        + "Night cramps and statins: cramping at night is common with Statin use [@1].",
    )
    submit(version)
    approve(version)
    snippet = str(search_articles("night cramps statins").hits[0].snippet)
    for form in ("Night", "cramps", "statins", "cramping", "night", "Statin"):
        assert f"<mark>{form}</mark>" in snippet, (form, snippet)
    assert "Stretching" not in snippet  # the passage with the words, not the start of the text
    assert len(snippet.replace("<mark>", "").replace("</mark>", "").split()) <= 32


def test_marking_escapes_everything_but_the_marks():
    from search.query import marked

    assert str(marked("\ue000Stat\ue001 & <b>\ue000STATS\ue001</b> \ue000x")) == (
        "<mark>Stat</mark> &amp; &lt;b&gt;<mark>STATS</mark>&lt;/b&gt; x"
    )


def test_the_migration_rewrites_search_documents_into_the_row_lz4_compressed(publish):
    """Ranking reads up to MAX_CANDIDATES documents; each is kept in the row and lz4-compressed
    (no TOAST lookup, quicker to decompress). Migration 0023 rewrites documents written before
    that, and search still finds them."""
    import importlib

    migration = importlib.import_module("articles.migrations.0023_search_documents_inline_lz4")
    body = " ".join(f"quinine{n:03d}x" for n in range(400)) + " [@1]."  # a document well over 2 KB
    publish(slug="long", title="Quinine at length", body=body)

    def storage():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attstorage, attcompression FROM pg_attribute "
                "WHERE attrelid = 'articles_search_document'::regclass AND attname = 'document'"
            )
            column = cursor.fetchone()
            cursor.execute("SELECT pg_column_compression(document) FROM articles_search_document")
            return (*column, {row[0] for row in cursor.fetchall()})

    with connection.cursor() as cursor:  # lz4 where the server was built with it, else pglz
        cursor.execute("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
        lz4 = "lz4" in cursor.fetchone()[0]

    def as_the_migration_leaves_it():
        storage_, compression, methods = storage()
        return storage_ == "m" and (compression, methods) == ("l", {"lz4"}) if lz4 else methods <= {None, "pglz"}

    assert as_the_migration_leaves_it()
    with connection.cursor() as cursor:  # as written before migration 0023
        cursor.execute("ALTER TABLE articles_search_document ALTER COLUMN document SET STORAGE EXTENDED")
        cursor.execute("ALTER TABLE articles_search_document ALTER COLUMN document SET COMPRESSION pglz")
        cursor.execute("UPDATE articles_search_document SET document = document || 'rewritten'::tsvector")
    assert storage()[0] == "x" and storage()[2] != {"lz4"}

    migration.rewrite_search_documents(None, type("SchemaEditor", (), {"connection": connection})())

    assert as_the_migration_leaves_it()
    assert slugs("quinine") == ["long"] and slugs("quinine123x") == ["long"] and slugs("rewritten") == []
