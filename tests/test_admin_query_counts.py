"""The admin's lists run a fixed number of queries, however many rows they show (no N+1)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article

pytestmark = pytest.mark.django_db

# list -> exact queries for a signed-in editor: session, user, counts, the rows, the filters' choices
EXPECTED = {
    "admin:articles_article_changelist": 10,
    "admin:articles_articleversion_changelist": 8,
}


def grow_to(rows: int, draft_factory) -> None:
    """`rows` articles: live ones from generate_content, and two that only have a draft."""
    for slug in ("draft-one", "draft-two"):
        if not Article.objects.filter(slug=slug).exists():
            draft_factory(slug=slug, title=slug.replace("-", " ").capitalize())
    missing = rows - Article.objects.count()
    call_command("generate_content", articles=missing, verify_every=0, jobs=1, stdout=io.StringIO())
    assert Article.objects.count() == rows


def queries(client, name: str, rows: int) -> int:
    client.get(reverse(name))  # warm anything loaded once per process
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name))
    assert response.status_code == 200
    assert response.context["cl"].result_count == rows
    return len(captured)


@pytest.mark.parametrize("name", EXPECTED)
def test_an_admin_list_costs_the_same_queries_for_ten_rows_and_for_fifty(name, client, editor, draft_factory):
    client.force_login(editor)
    counts = {}
    for rows in (10, 50):
        grow_to(rows, draft_factory)
        counts[rows] = queries(client, name, rows)
    print(f"\n{name}: {counts[10]} queries for 10 rows, {counts[50]} for 50")
    assert counts == {10: EXPECTED[name], 50: EXPECTED[name]}
