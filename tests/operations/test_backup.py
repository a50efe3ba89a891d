"""backup_site writes the whole site to one file with the database's own tool (pg_dump)
and the media folder; restore_site brings it back, row for row,
replacing the database all or nothing and the media folder in one swap."""

import io
import tarfile
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.test import Client

from articles import services
from articles.models import Article, ArticleVersion, Person, Review
from operations.backup import BackupError, restore_site
from tests.production import ROOT

PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4  # the bytes only need to survive the round trip

# pg_dump and pg_restore work on committed data from their own connections.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fresh_content_type_cache():
    """These tests replace content types; don't let their ids leak into other tests."""
    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def empty_site_backup(editorial_groups, media, tmp_path):
    """A backup of the site as `migrate` leaves it (content types, permissions, the editorial
    groups), taken before any content exists: restoring it empties the site."""
    archive = tmp_path / "empty.tar.gz"
    call_command("backup_site", str(archive), stdout=io.StringIO())
    return archive


@pytest.fixture
def demo_site(empty_site_backup, settings, media):
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


def compared_models() -> list[type[models.Model]]:
    """Every concrete model (sessions are not backed up: they are sign-ins, not content)."""
    return [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy and m is not Session]


def snapshot() -> dict[str, dict]:
    """Every row of every model (and its many-to-many links), keyed by table and primary key."""
    tables: dict[str, dict] = {}
    for model in compared_models():
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


def media_files(media: Path) -> dict[str, bytes]:
    return {p.relative_to(media).as_posix(): p.read_bytes() for p in sorted(media.rglob("*")) if p.is_file()}


def test_a_restored_site_equals_the_backed_up_one_row_for_row(demo_site, empty_site_backup, media, tmp_path):
    before, photos = snapshot(), media_files(media)
    archive = tmp_path / "site.tar.gz"
    out = io.StringIO()
    started = time.monotonic()
    call_command("backup_site", str(archive), stdout=out)
    backup_seconds = time.monotonic() - started
    assert "Backed up" in out.getvalue()

    restore_site(empty_site_backup, force=True)  # what a new, migrated site holds; no row deleted one by one
    assert not Article.objects.exists() and not User.objects.exists() and not Review.objects.exists()
    assert media_files(media) == {}
    started = time.monotonic()
    call_command("restore_site", str(archive), stdout=io.StringIO())
    restore_seconds = time.monotonic() - started

    after = snapshot()
    rows = sum(len(table) for table in before.values())
    found = differences(before, after)
    print(
        f"\nbackup/restore: {rows} rows in {len(before)} tables compared, {len(found)} differences "
        f"(backup {backup_seconds:.1f} s, restore {restore_seconds:.1f} s)"
    )
    for line in found[:20]:
        print("  " + line)
    assert found == []
    assert rows > 300
    assert {"articles.Review", "articles.ArticleVersion", "auth.User", "admin.LogEntry"} <= {
        label for label, table in before.items() if table
    }
    assert media_files(media) == photos
    photo = Person.objects.get(slug="helena-marsh").photo
    assert photo.read() == PHOTO
    print(f"backup/restore: media {photo.name} ({len(PHOTO)} bytes) identical")


def test_the_restored_site_works_and_takes_new_rows(demo_site, empty_site_backup, media, tmp_path, reader):
    archive = tmp_path / "site.tar.gz"
    call_command("backup_site", str(archive), stdout=io.StringIO())
    restore_site(empty_site_backup, force=True)
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


def test_a_restore_makes_every_cached_page_miss(demo_site, empty_site_backup, media):
    """Every cached page showed the site as it was: the restore replaces the content generation
    (operations.signals.site_restored, received by the page cache)."""
    from pagecache.tags import CONTENT, tokens

    before = tokens([CONTENT])
    restore_site(empty_site_backup, force=True)
    assert tokens([CONTENT]) != before


def test_restore_refuses_a_site_that_has_content(demo_site, tmp_path):
    archive = tmp_path / "site.tar.gz"
    call_command("backup_site", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError) as error:
        call_command("restore_site", str(archive), stdout=io.StringIO())
    message = str(error.value)
    print(f"\nrestore over a site in use: {message}")
    assert message.startswith("Nothing was restored. Refusing to restore over a site in use")
    assert "articles.Article" in message and "--force" in message


def test_restore_with_force_replaces_the_site_signed_off_versions_included(demo_site, media, tmp_path):
    """Signed-off versions and review records refuse UPDATE and DELETE; the restore never
    deletes rows one by one, it replaces the database as a whole."""
    before, photos = snapshot(), media_files(media)
    archive = tmp_path / "site.tar.gz"
    call_command("backup_site", str(archive), stdout=io.StringIO())
    User.objects.create_user("intruder")
    Person.objects.filter(slug="helena-marsh").update(bio="Changed after the backup.")
    (media / "added-after-the-backup.txt").write_bytes(b"not in the backup")
    restore_site(archive, force=True)
    assert differences(before, snapshot()) == []
    assert media_files(media) == photos  # the folder was replaced, not merged


def damaged_copy(archive: Path, target: Path, *, member: str, damage) -> Path:
    """`archive` with one member's bytes changed by `damage`, the manifest's checksums left as they were
    unless the member is the manifest itself."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as out:
        for info in source.getmembers():
            data = source.extractfile(info).read()
            if info.name == member:
                data = damage(data)
                info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    return target


def test_a_damaged_database_file_changes_nothing(demo_site, media, tmp_path):
    before, photos = snapshot(), media_files(media)
    archive = tmp_path / "site.tar.gz"
    call_command("backup_site", str(archive), stdout=io.StringIO())
    User.objects.create_user("after-the-backup")
    expected = snapshot()
    with tarfile.open(archive, "r:gz") as source:
        database = next(name for name in source.getnames() if name.startswith("database."))
    broken = damaged_copy(archive, tmp_path / "broken.tar.gz", member=database, damage=lambda d: d[: len(d) // 2])
    with pytest.raises(BackupError, match="damaged"):
        restore_site(broken, force=True)
    assert differences(expected, snapshot()) == [] and expected != before
    assert media_files(media) == photos


def test_a_database_restore_that_fails_half_way_changes_nothing(demo_site, media, tmp_path, monkeypatch):
    """The dump is cut in half *and* its checksum matches, so the database's own tool starts
    restoring and fails part way: pg_restore's single transaction
    rolls back, and the media folder is not touched."""
    import json

    from operations import backup

    archive = tmp_path / "site.tar.gz"
    call_command("backup_site", str(archive), stdout=io.StringIO())
    User.objects.create_user("after-the-backup")
    expected, photos = snapshot(), media_files(media)
    with tarfile.open(archive, "r:gz") as source:
        manifest = json.load(source.extractfile("manifest.json"))
        dump = source.extractfile(manifest["database_file"]).read()
    half = dump[: len(dump) * 2 // 3]
    manifest["database_sha256"] = backup.hashlib.sha256(half).hexdigest()
    step = damaged_copy(archive, tmp_path / "cut.tar.gz", member=manifest["database_file"], damage=lambda d: half)
    broken = damaged_copy(
        step, tmp_path / "broken.tar.gz", member="manifest.json", damage=lambda d: json.dumps(manifest).encode()
    )
    with pytest.raises(BackupError) as error:
        restore_site(broken, force=True)
    print(f"\nrestore of a dump cut short: {str(error.value)[:160]}")
    assert differences(expected, snapshot()) == []
    assert media_files(media) == photos


def test_damaged_media_leaves_the_database_and_the_media_folder_as_they_were(demo_site, media, tmp_path):
    archive = tmp_path / "site.tar.gz"
    call_command("backup_site", str(archive), stdout=io.StringIO())
    User.objects.create_user("after-the-backup")
    expected, photos = snapshot(), media_files(media)
    broken = damaged_copy(
        archive, tmp_path / "broken.tar.gz", member="media/people/helena-marsh.png", damage=lambda d: d[::-1]
    )
    with pytest.raises(BackupError, match=r"helena-marsh\.png is damaged"):
        restore_site(broken, force=True)
    assert differences(expected, snapshot()) == []
    assert media_files(media) == photos
    assert [p.name for p in media.parent.iterdir() if "restoring" in p.name] == []  # no staging left behind
