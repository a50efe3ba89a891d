"""HelpfulVote and ArticleFeedback moved from articles to reader with their table and rows
(articles 0025_move_reader_models, reader 0001_initial): migrating a database full of content
back to before the move and forward again keeps every vote, and the permissions granted on the
models (with the admin's log entries) follow their content types both ways."""

from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from articles.importing import load_content
from articles.models import Article
from reader.models import ArticleFeedback, HelpfulVote

FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures"
BEFORE_THE_MOVE = ("articles", "0024_person_list_indexes")
MOVED = ("helpfulvote", "articlefeedback")


def votes() -> list[tuple]:
    with connection.cursor() as cursor:  # the table itself, whichever app the model belongs to
        cursor.execute("SELECT id, article_id, voter, helpful FROM articles_helpfulvote ORDER BY id")
        return cursor.fetchall()


def app_of(model: str) -> set[str]:
    return set(ContentType.objects.filter(model=model).values_list("app_label", flat=True))


def grants() -> dict[str, set[str]]:
    """Who holds which permission on the moved models, by "app_label.codename"."""
    held: dict[str, set[str]] = {}
    for permission in Permission.objects.filter(content_type__model__in=MOVED).select_related("content_type"):
        name = f"{permission.content_type.app_label}.{permission.codename}"
        holders = {f"group:{g}" for g in permission.group_set.values_list("name", flat=True)}
        holders |= {f"user:{u}" for u in permission.user_set.values_list("username", flat=True)}
        held[name] = holders
    return held


@pytest.mark.django_db(transaction=True)
def test_votes_and_permissions_survive_migrating_back_past_the_move_and_forward_again(editorial_groups):
    load_content(FIXTURES)
    articles = list(Article.objects.published()[:3])
    for n, article in enumerate(articles):
        for voter in range(n + 2):
            HelpfulVote.objects.create(article=article, voter=f"{n}-{voter}".ljust(64, "0"), helpful=voter % 2 == 0)
    view = Permission.objects.get(content_type__app_label="reader", codename="view_articlefeedback")
    Group.objects.get(name="Editors").permissions.add(view)
    editor = User.objects.create_user("feedback-editor", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    analyst = User.objects.create_user("analyst", password="pw", is_staff=True)
    analyst.user_permissions.add(Permission.objects.get(content_type__app_label="reader", codename="view_helpfulvote"))
    entry = LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(ArticleFeedback, for_concrete_model=False),
        object_id=str(articles[0].pk),
        object_repr=articles[0].slug,
        action_flag=CHANGE,
    )
    before_votes, before_grants = votes(), grants()
    assert len(before_votes) == 2 + 3 + 4
    assert before_grants["reader.view_articlefeedback"] >= {"group:Editors"}
    assert before_grants["reader.view_helpfulvote"] == {"user:analyst"}
    permission_ids = set(Permission.objects.filter(content_type__model__in=MOVED).values_list("pk", flat=True))

    try:
        call_command("migrate", *BEFORE_THE_MOVE, verbosity=0)
        ContentType.objects.clear_cache()
        back = MigrationExecutor(connection).loader.project_state(BEFORE_THE_MOVE).apps
        assert back.get_model("articles", "HelpfulVote").objects.count() == len(before_votes)
        assert votes() == before_votes
        assert app_of("helpfulvote") == app_of("articlefeedback") == {"articles"}
        assert grants() == {name.replace("reader.", "articles.", 1): who for name, who in before_grants.items()}
        assert set(Permission.objects.filter(content_type__model__in=MOVED).values_list("pk", flat=True)) == (
            permission_ids
        )

        # A content type made for reader meanwhile (a post_migrate, say), with a grant of its own:
        # migrating forward merges it into the moved one instead of colliding with it.
        stray = ContentType.objects.create(app_label="reader", model="articlefeedback")
        stray_view = Permission.objects.create(content_type=stray, codename="view_articlefeedback", name="stray")
        User.objects.create_user("late-reviewer", password="pw").user_permissions.add(stray_view)
    finally:
        call_command("migrate", verbosity=0)
        ContentType.objects.clear_cache()

    assert MigrationExecutor(connection).migration_plan(MigrationExecutor(connection).loader.graph.leaf_nodes()) == []
    assert votes() == before_votes
    assert HelpfulVote.objects.count() == len(before_votes)
    assert app_of("helpfulvote") == app_of("articlefeedback") == {"reader"}
    after = grants()
    assert after["reader.view_articlefeedback"] == before_grants["reader.view_articlefeedback"] | {"user:late-reviewer"}
    assert {name: who for name, who in after.items() if name != "reader.view_articlefeedback"} == {
        name: who for name, who in before_grants.items() if name != "reader.view_articlefeedback"
    }
    assert set(Permission.objects.filter(content_type__model__in=MOVED).values_list("pk", flat=True)) == permission_ids
    entry.refresh_from_db()
    assert (entry.content_type.app_label, entry.content_type.model) == ("reader", "articlefeedback")

    assert User.objects.get(username="feedback-editor").has_perm("reader.view_articlefeedback")
    assert User.objects.get(username="analyst").has_perm("reader.view_helpfulvote")
    client = Client()
    client.force_login(User.objects.get(username="feedback-editor"))
    page = client.get(reverse("admin:reader_articlefeedback_changelist"))
    assert page.status_code == 200
    assert articles[0].slug in page.content.decode()
