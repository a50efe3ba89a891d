"""backup_site writes the whole site to one file; restore_site brings it back, row for row."""

import importlib
import io
from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.test import Client

from articles import services
from articles.immutability import guards_suspended
from articles.models import Article, ArticleVersion, Person
from operations.backup import backed_up_models, delete_rows, restore_site

ROOT = Path(__file__).resolve().parent.parent
PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4  # the bytes only need to survive the round trip


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fresh_content_type_cache():
    """These tests recreate content types; don't let their ids leak into other tests."""
    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def demo_site(db, settings, media):
    """The demo content (every article signed off), the demo accounts, a draft of a new
    revision, a person's photo, an admin log entry and a failed sign-in."""
    call_command("load_content", str(ROOT / "fixtures"), stdout=io.StringIO())
    call_command("setup_demo", "--force", stdout=io.StringIO())
    editor = User.objects.get(username="editor")
    article = Article.objects.live().order_by("slug").first()
    draft = services.start_draft(article=article, user=editor)
    draft.body += "\n\nA sentence waiting for review."
    draft.save()
    person = Person.objects.get(slug="helena-marsh")
    person.photo.save("helena-marsh.png", ContentFile(PHOTO))
    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(ArticleVersion),
        object_id=str(draft.pk),
        object_repr=str(draft),
        action_flag=CHANGE,
        change_message="Edited the body.",
    )
    Client().post("/admin/login/", {"username": "editor", "password": "wrong"})
    assert ArticleVersion.objects.filter(status="approved").exists()
    return article


def natural(model: type[models.Model], pk) -> object:
    """Content types and permissions are compared by what they name: their ids are each database's own."""
    if pk is None:
        return None
    if model is ContentType:
        return ContentType.objects.get(pk=pk).natural_key()
    if model is Permission:
        return Permission.objects.get(pk=pk).natural_key()
    return pk


def snapshot() -> dict[str, dict]:
    """Every row of every backed-up model (and its many-to-many links), keyed by table and primary key."""
    tables: dict[str, dict] = {}
    for model in backed_up_models():
        fields = [f for f in model._meta.concrete_fields]
        rows = {}
        for obj in model._base_manager.order_by("pk"):
            row = {}
            for f in fields:
                value = getattr(obj, f.attname)
                row[f.name] = natural(f.related_model, value) if f.is_relation else value
            for m2m in model._meta.many_to_many:
                if m2m.remote_field.through._meta.auto_created:
                    row[m2m.name] = sorted(
                        str(natural(m2m.related_model, pk))
                        for pk in getattr(obj, m2m.name).values_list("pk", flat=True)
                    )
            rows[obj.pk] = row
        tables[model._meta.label] = rows
    return tables


def differences(before: dict, after: dict) -> list[str]:
    found = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, {}), after.get(table, {})
        for pk in sorted(set(old) | set(new), key=str):
            if old.get(pk) != new.get(pk):
                found.append(f"{table} pk={pk}: {old.get(pk)} != {new.get(pk)}")
    return found


def empty_the_database(media: Path) -> None:
    """What a fresh database looks like: only what `migrate` creates (content types,
    permissions and the editorial groups of the data migration); no media files.
    (`flush` would TRUNCATE, which PostgreSQL refuses inside the test's transaction.)
    Signed-off content and history are protected by the database, hence the suspended guards."""
    with guards_suspended():
        delete_rows([*backed_up_models(), Session])
    groups = importlib.import_module("articles.migrations.0002_editorial_groups").GROUPS
    for name, codenames in groups.items():
        Group.objects.create(name=name).permissions.set(Permission.objects.filter(codename__in=codenames))
    for path in media.rglob("*"):
        if path.is_file():
            path.unlink()


def test_a_restored_site_equals_the_backed_up_one_row_for_row(demo_site, media, tmp_path):
    before = snapshot()
    archive = tmp_path / "site.tar.gz"
    out = io.StringIO()
    call_command("backup_site", str(archive), stdout=out)
    assert "Backed up" in out.getvalue()

    empty_the_database(media)
    assert not Article.objects.exists() and not User.objects.exists()
    call_command("restore_site", str(archive), stdout=io.StringIO())

    after = snapshot()
    rows = sum(len(table) for table in before.values())
    found = differences(before, after)
    print(f"\nbackup/restore: {rows} rows in {len(before)} tables compared, {len(found)} differences")
    for line in found[:20]:
        print("  " + line)
    assert found == []
    assert rows > 300
    assert {"articles.Review", "articles.ArticleVersion", "auth.User", "admin.LogEntry"} <= {
        label for label, table in before.items() if table
    }
    photo = Person.objects.get(slug="helena-marsh").photo
    assert photo.read() == PHOTO
    print(f"backup/restore: media {photo.name} ({len(PHOTO)} bytes) identical")


def test_the_restored_site_works_and_takes_new_rows(demo_site, media, tmp_path, reader):
    archive = tmp_path / "site.tar.gz"
    call_command("backup_site", str(archive), stdout=io.StringIO())
    empty_the_database(media)
    call_command("restore_site", str(archive), stdout=io.StringIO())

    article = Article.objects.get(pk=demo_site.pk)
    assert reader.get(article.get_absolute_url()).status_code == 200
    editor = User.objects.get(username="editor")
    assert editor.check_password("editor-demo-2026")
    # Sequences continue after the restored ids: new rows do not collide.
    other = Article.objects.live().exclude(pk=article.pk).first()
    draft = services.start_draft(article=other, user=editor)
    assert draft.pk > max(ArticleVersion.objects.exclude(pk=draft.pk).values_list("pk", flat=True))
    User.objects.create_user("new-editor")


def test_restore_refuses_a_site_that_has_content(demo_site, tmp_path):
    archive = tmp_path / "site.tar.gz"
    call_command("backup_site", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError) as error:
        call_command("restore_site", str(archive), stdout=io.StringIO())
    message = str(error.value)
    print(f"\nrestore over a site in use: {message}")
    assert message.startswith("Nothing was restored. Refusing to restore over a site in use")
    assert "articles.Article" in message and "--force" in message


def test_restore_with_force_replaces_the_site(demo_site, media, tmp_path):
    before = snapshot()
    archive = tmp_path / "site.tar.gz"
    call_command("backup_site", str(archive), stdout=io.StringIO())
    User.objects.create_user("intruder")
    Person.objects.filter(slug="helena-marsh").update(bio="Changed after the backup.")
    restore_site(archive, force=True)
    assert differences(before, snapshot()) == []


def test_new_models_are_backed_up_without_code_changes():
    """Models come from the app registry: the project's and its libraries', minus what migrate rebuilds."""
    labels = {model._meta.label for model in backed_up_models()}
    assert {"articles.Article", "articles.Review", "taxonomy.Cause", "auth.User", "admin.LogEntry"} <= labels
    assert not {"contenttypes.ContentType", "auth.Permission", "sessions.Session"} & labels
