"""Migrations apply forward on a database full of demo content (run on SQLite and PostgreSQL)."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles.importing import load_content
from articles.models import Article, ArticleVersion, Reference, Review

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def content_counts() -> dict:
    return {
        "articles": Article.objects.count(),
        "live": Article.objects.published().count(),
        "versions": ArticleVersion.objects.count(),
        "references": Reference.objects.count(),
        "approvals": Review.objects.filter(outcome="approved").count(),
    }


@pytest.mark.django_db(transaction=True)
def test_every_migration_since_the_first_release_applies_to_a_full_database(editorial_groups):
    load_content(FIXTURES)
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
