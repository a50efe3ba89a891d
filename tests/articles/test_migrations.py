"""Migrations apply forward on a database full of demo content."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles.importing import load_content
from articles.models import Article, ArticleVersion, Reference, Review
from tests.production import ROOT

FIXTURES = ROOT / "fixtures"


def content_counts() -> dict:
    return {
        "articles": Article.objects.count(),
        "live": Article.objects.published().count(),
        "versions": ArticleVersion.objects.count(),
        "references": Reference.objects.count(),
        "approvals": Review.objects.filter(outcome="approved").count(),
    }


def without_revisions(fixtures, tmp_path):
    """The demo content with every article at its first version (no `revision:` block)."""
    import re
    import shutil

    copy = tmp_path / "fixtures"
    shutil.copytree(fixtures, copy)
    for path in (copy / "articles").glob("*.md"):
        path.write_text(re.sub(r"^revision:\n(?:  .*\n)+", "", path.read_text(), flags=re.M))
    return copy


@pytest.mark.django_db(transaction=True)
def test_every_migration_since_the_first_release_applies_to_a_full_database(editorial_groups, tmp_path):
    load_content(without_revisions(FIXTURES, tmp_path))  # migrating back past 0019 is refused with signed notes
    before = content_counts()
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()

    call_command("migrate", "articles", "0002_editorial_groups", verbosity=0)
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(latest)
    assert pending, "there are migrations after the first release to apply"

    call_command("migrate", verbosity=0)
    assert MigrationExecutor(connection).migration_plan(latest) == []
    assert content_counts() == before
    article = Article.objects.published().first()
    assert article.live_version.compute_fingerprint() == article.live_version.reviews.latest().fingerprint


@pytest.mark.django_db(transaction=True)
def test_migrating_back_past_the_change_note_is_refused_while_a_signed_off_version_has_one(editorial_groups):
    load_content(FIXTURES)
    try:
        with pytest.raises(RuntimeError, match="erase signed-off text"):
            call_command("migrate", "articles", "0020_redirect_help_text", verbosity=0)
    finally:
        # migrations that depend on 0021 (e.g. the search vocabulary) were unapplied before the refusal
        call_command("migrate", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_numbered_references_move_into_the_library_and_drafts_cite_by_key(editorial_groups, editor, tmp_path):
    from articles import services
    from references.models import Source

    load_content(without_revisions(FIXTURES, tmp_path))  # migrating back past 0019 is refused with signed notes
    # A draft written before the library: hand-numbered references, cited [@2] before [@1].
    article = Article.objects.get(slug="what-causes-muscle-spasms")
    draft = services.start_draft(article=article, user=editor)
    live_refs = list(article.live_version.references.order_by("number"))
    Reference.objects.filter(version=draft).delete()
    for number, ref in enumerate(live_refs[:2], start=1):
        Reference.objects.create(
            version=draft,
            number=number,
            title=ref.title,
            kind=ref.kind,
            url=ref.url,
            pmid=ref.pmid,
            authors=ref.authors,
            source=ref.source,
            year=ref.year,
        )
    ArticleVersion.objects.filter(pk=draft.pk).update(body="Second first [@2]. Then both [@1,2].")
    fingerprints = {v.pk: v.compute_fingerprint() for v in ArticleVersion.objects.filter(status="approved")}

    call_command("migrate", "articles", "0013_person_email_notifications", verbosity=0)
    call_command("migrate", verbosity=0)

    assert Reference.objects.filter(version__in=Article.objects.values("live_version")).count() == 26
    assert Source.objects.count() == 6  # the demo content's 26 entries are 6 works
    draft.refresh_from_db()
    second, first = live_refs[1], live_refs[0]
    key_of = {s.title: s.key for s in Source.objects.all()}
    assert (
        draft.body
        == f"Second first [@{key_of[second.title]}]. Then both [@{key_of[first.title]}; @{key_of[second.title]}]."
    )
    assert [(r.number, r.title) for r in draft.references.order_by("number")] == [(1, second.title), (2, first.title)]
    assert {v.pk: v.compute_fingerprint() for v in ArticleVersion.objects.filter(status="approved")} == fingerprints
    draft.change_note = "Cites its sources from the library."
    draft.save()
    assert services.submit_version(version=draft, user=editor).status == "submitted"
