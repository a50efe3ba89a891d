"""Source and LinkCheck moved from the articles app to references (articles 0026, references 0001):
migrating back before the move and forward again keeps every row, every permission's id and
every grant, under whichever app label the models have at that point."""

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from references.models import LinkCheck, Source

MOVED = ["source", "linkcheck"]


def labels() -> set[str]:
    return set(ContentType.objects.filter(model__in=MOVED).values_list("app_label", flat=True))


def grants_of(user: User, label: str) -> set[str]:
    user = User.objects.get(pk=user.pk)  # no permission cache from before
    codenames = ["add_source", "change_source", "delete_source", "view_source", "view_linkcheck"]
    return {codename for codename in codenames if user.has_perm(f"{label}.{codename}")}


def rows(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} ORDER BY id")
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_sources_link_checks_and_their_grants_survive_migrating_back_and_forth(editorial_groups, editor, reviewer):
    Source.objects.create(key="maquirriain2007", title="Muscle cramps", doi="10.1002/mus.20341", year=2007)
    Source.objects.create(key="medline", kind="web", title="Leg cramps", url="https://medlineplus.gov/cramps")
    LinkCheck.objects.create(url="https://medlineplus.gov/cramps", status=404, checked_at=timezone.now())
    reviewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="references", codename="view_linkcheck")
    )
    sources, checks = rows("articles_source"), rows("articles_linkcheck")
    permissions = dict(Permission.objects.filter(content_type__model__in=MOVED).values_list("codename", "pk"))
    content_types = dict(ContentType.objects.filter(model__in=MOVED).values_list("model", "pk"))
    assert grants_of(editor, "references") == {"add_source", "change_source", "view_source"}
    assert grants_of(reviewer, "references") == {"view_source", "view_linkcheck"}

    try:
        call_command("migrate", "references", "zero", verbosity=0)
        ContentType.objects.clear_cache()
        assert labels() == {"articles"}
        assert (rows("articles_source"), rows("articles_linkcheck")) == (sources, checks)
        assert grants_of(editor, "articles") == {"add_source", "change_source", "view_source"}
        assert grants_of(reviewer, "articles") == {"view_source", "view_linkcheck"}
        assert grants_of(editor, "references") == set()
    finally:
        call_command("migrate", verbosity=0)
        ContentType.objects.clear_cache()

    assert labels() == {"references"}
    assert dict(ContentType.objects.filter(model__in=MOVED).values_list("model", "pk")) == content_types
    assert dict(Permission.objects.filter(content_type__model__in=MOVED).values_list("codename", "pk")) == permissions
    assert (rows("articles_source"), rows("articles_linkcheck")) == (sources, checks)
    assert list(Source.objects.values_list("key", flat=True)) == ["maquirriain2007", "medline"]
    assert LinkCheck.objects.dead().get().url == "https://medlineplus.gov/cramps"
    assert grants_of(editor, "references") == {"add_source", "change_source", "view_source"}
    assert grants_of(reviewer, "references") == {"view_source", "view_linkcheck"}

    client = Client()
    client.force_login(editor)
    assert client.get(reverse("admin:references_source_changelist")).status_code == 200
    assert client.get(reverse("admin:references_source_add")).status_code == 200
    assert client.get(reverse("admin:references_linkcheck_changelist")).status_code == 403
