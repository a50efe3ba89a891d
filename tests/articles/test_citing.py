"""Cite-by-key (articles/citing.py): sources entered once in the library, numbered by the machine,
frozen at sign-off."""

import pytest
from django.urls import reverse

from articles import citing, services, workflow
from articles.models import Article, ArticleVersion, FaqEntry, Reference
from articles.rendering import render_markdown
from references.models import Source
from tests.articles.test_admin import client_for, version_form

pytestmark = pytest.mark.django_db
Status = ArticleVersion.Status


def test_sources_are_numbered_by_order_of_first_citation_so_reordering_needs_no_renumbering(
    draft_factory, library_source, second_source, submit
):
    draft = draft_factory(body="First [@maquirriain2007]. Then [@miller2005; @maquirriain2007].")
    citing.sync_references(draft)
    assert [(r.number, r.key) for r in draft.references.order_by("number")] == [
        (1, "maquirriain2007"),
        (2, "miller2005"),
    ]

    draft.body = "Then [@miller2005]. First [@maquirriain2007]."  # paragraphs swapped, nothing renumbered by hand
    draft.save()
    submit(draft)
    assert [(r.number, r.key) for r in draft.references.order_by("number")] == [
        (1, "miller2005"),
        (2, "maquirriain2007"),
    ]
    html = render_markdown(draft.body)
    assert '<a href="#ref-1" class="citation-link" rel="noopener noreferrer">1</a>' in html.split("First")[0]
    assert '<a href="#ref-2" class="citation-link" rel="noopener noreferrer">2</a>' in html.split("First")[1]


def test_faq_answers_continue_the_numbering_of_the_body(draft_factory, library_source, second_source, submit, approve):
    draft = draft_factory(body="Body [@miller2005].")
    FaqEntry.objects.create(version=draft, question="Why?", answer="Because [@maquirriain2007] and [@miller2005].")
    submit(draft)
    approve(draft)
    draft.refresh_from_db()
    answer = draft.faq_entries.get().answer_html
    assert 'href="#ref-2"' in answer and 'href="#ref-1"' in answer
    assert draft.citation_backlinks == {"1": ["cite-1", "faq1-cite-2"], "2": ["faq1-cite-1"]}


def test_a_signed_off_version_keeps_its_snapshot_when_the_library_entry_is_corrected(
    publish, library_source, reader, editor
):
    article = publish(body="Cramps are common [@miller2005].")
    live = article.live_version
    library_source.title = "Muscle cramps (corrected title)"
    library_source.save()

    page = reader.get(article.get_absolute_url()).content.decode()
    assert "Muscle cramps." in page and "corrected title" not in page
    assert live.compute_fingerprint() == live.reviews.latest().fingerprint

    draft = services.start_draft(article=article, user=editor)
    citing.sync_references(draft)
    assert draft.references.get().title == "Muscle cramps (corrected title)"  # the next version picks it up


def test_unknown_keys_and_uncited_sources_show_when_the_draft_is_saved(draft_factory, editor, library_source):
    draft = draft_factory(body="Cited [@miller2005].")
    citing.sync_references(draft)
    url = reverse("admin:articles_articleversion_change", args=[draft.pk])
    client = client_for(editor)
    revision = client.get(url).context["adminform"].form["revision_seen"].value()

    response = client.post(url, version_form(draft, revision, body="Now cites [@nobody2020]."), follow=True)

    page = response.content.decode()
    assert "[@nobody2020], not in the source library" in page
    assert "no longer cited, so removed from the references: [@miller2005]" in page
    draft.refresh_from_db()
    assert draft.body == "Now cites [@nobody2020]."  # saved all the same: nothing typed is lost
    with pytest.raises(workflow.IncompleteVersion, match="nobody2020"):
        services.submit_version(version=draft, user=editor)


def test_a_draft_preview_shows_an_unknown_key_plainly(draft_factory, editor, library_source):
    draft = draft_factory(body="Known [@miller2005], unknown [@nobody2020].")
    url = reverse("admin:articles_articleversion_preview_page", args=[draft.pk])
    page = client_for(editor).get(url).content.decode()
    assert 'href="#ref-1"' in page and "nobody2020?" in page


def test_a_new_draft_of_a_numbered_version_cites_the_same_sources_by_key(publish, editor):
    article = publish(body="Old style [@1].")
    draft = services.start_draft(article=article, user=editor)
    source = Source.objects.get(doi="10.1002/mus.20341")
    assert draft.body == f"Old style [@{source.key}]."
    assert [(r.number, r.key, r.title) for r in draft.references.all()] == [(1, source.key, "Muscle cramps")]
    draft.change_note = "Cites its sources from the library."
    draft.save()
    services.submit_version(version=draft, user=editor)


def test_mixing_numbered_and_keyed_citations_cannot_be_submitted(draft_factory, editor, library_source):
    draft = draft_factory(body="Numbered [@1] and keyed [@miller2005].")
    with pytest.raises(workflow.IncompleteVersion, match="mixes numbered citations"):
        services.submit_version(version=draft, user=editor)
    assert Reference.objects.filter(version=draft).count() == 1
    assert Article.objects.get(pk=draft.article_id).live_version is None
