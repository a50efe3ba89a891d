"""One-file backups of the whole site, and restoring them into an empty database.

The archive is a gzipped tar:

    manifest.json            format, when, Django version, applied migrations, row counts, media files
    data/<app>.<model>.jsonl every row of one model, in primary-key order (Django's JSON Lines serializer)
    media/<path>             every file in the default storage (uploaded photos)

Which models: every concrete model in the app registry except the ones `migrate`
rebuilds by itself (content types, permissions) and sessions. A model added by a
later migration (votes, an event history) is included with no change here. Rows
keep their primary keys; references to content types and permissions are written
as natural keys, since their ids differ between databases.

Restoring goes through Django's deserializer with raw saves, like `loaddata`: the
rows are written as they were, without the models' save() rules (a signed-off
version and a review record refuse ordinary saves, rightly).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import posixpath
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from articles import caching
from articles.immutability import guards_suspended

FORMAT = "spasminfo-backup/1"
# Rebuilt by `migrate` (so referred to by natural key), or not worth keeping.
SKIPPED_MODELS = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
NATURAL_KEY_MODELS = (ContentType, Permission)


class BackupError(Exception):
    """Something that stops a backup or a restore; the message says what and what to do."""


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete, managed model of every installed app, except SKIPPED_MODELS.

    Auto-created many-to-many tables (user groups, group permissions) travel with
    their model; explicit through models (version authors, causes) are models here.
    """
    return [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in SKIPPED_MODELS
    ]


def project_models() -> list[type[models.Model]]:
    """Models of the project's own apps (those inside BASE_DIR), plus the user model:
    rows in any of these mean the site is in use."""
    base = Path(settings.BASE_DIR).resolve()

    def is_own(model) -> bool:
        path = Path(model._meta.app_config.path).resolve()
        # An installed package is never the project's, even when the virtualenv sits inside BASE_DIR.
        return path.is_relative_to(base) and "site-packages" not in path.parts

    return [*(model for model in backed_up_models() if is_own(model)), get_user_model()]


class _ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but times keep their microseconds (Django's own cuts them to
    milliseconds, so a dumpdata/loaddata round trip changes every timestamp)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class _Serializer(jsonl.Serializer):
    """JSON Lines, with natural keys only for content types and permissions (whose ids
    are the target database's own); every other reference keeps its primary key; times
    to the microsecond."""

    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = _ExactEncoder

    def _natural(self, field: models.Field) -> bool:
        return issubclass(field.remote_field.model, NATURAL_KEY_MODELS)

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = self._natural(field)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = self._natural(field)
        super().handle_m2m_field(obj, field)


@dataclass
class Report:
    rows: dict[str, int] = field(default_factory=dict)
    media: list[dict] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{sum(self.rows.values())} rows in {len(self.rows)} models, "
            f"{len(self.media)} media files ({sum(m['size'] for m in self.media)} bytes)"
        )


def _media_files(path: str = "") -> Iterator[str]:
    try:
        directories, files = default_storage.listdir(path)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(path, name) if path else name
    for directory in sorted(directories):
        yield from _media_files(posixpath.join(path, directory) if path else directory)


def _applied_migrations(using: str) -> list[list[str]]:
    recorder = MigrationRecorder(connections[using])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.datetime.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def backup_site(path: str | Path, *, using: str = DEFAULT_DB_ALIAS) -> Report:
    """Write every row and every media file to one archive at `path`.

    The rows are read in one transaction (REPEATABLE READ on PostgreSQL), so the
    archive is a consistent snapshot even while editors and readers use the site.
    """
    report = Report()
    connection = connections[using]
    path = Path(path)
    tmp = path.with_name(path.name + ".partial")
    try:
        _write_archive(tmp, report, connection, using)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(path)
    return report


def _write_archive(tmp: Path, report: Report, connection, using: str) -> None:
    outermost = not connection.in_atomic_block  # else the caller's transaction is our snapshot
    with tarfile.open(tmp, "w:gz") as archive, transaction.atomic(using=using):
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        for model in backed_up_models():
            label = model._meta.label_lower
            with tempfile.TemporaryFile() as spool:
                text = io.TextIOWrapper(spool, encoding="utf-8", newline="\n")
                rows = model._base_manager.using(using).order_by("pk")
                count = 0

                def counted(objects):
                    nonlocal count
                    for obj in objects:
                        count += 1
                        yield obj

                _Serializer().serialize(counted(rows.iterator(chunk_size=2000)), stream=text)
                text.flush()
                info = tarfile.TarInfo(f"data/{label}.jsonl")
                info.size = spool.tell()
                info.mtime = int(datetime.datetime.now().timestamp())
                spool.seek(0)
                archive.addfile(info, spool)
                text.detach()
            report.rows[label] = count
        for name in _media_files():
            with default_storage.open(name, "rb") as handle:
                data = handle.read()
            _add_bytes(archive, f"media/{name}", data)
            report.media.append({"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
        manifest = {
            "format": FORMAT,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "django": django.get_version(),
            "database": connection.vendor,
            "migrations": _applied_migrations(using),
            "rows": report.rows,
            "media": report.media,
        }
        _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile("manifest.json"))
    except KeyError as error:
        raise BackupError("This file is not a spasminfo backup: it has no manifest.json.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}; this version reads {FORMAT!r}.")
    return manifest


def site_in_use(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Labels of the project's models that hold rows (empty list: the site is unused).

    A freshly migrated database counts as empty although its data migrations have
    created rows (the editorial groups): restore replaces those with the archive's.
    """
    return [
        f"{model._meta.label} ({model._base_manager.using(using).count()} rows)"
        for model in project_models()
        if model._base_manager.using(using).exists()
    ]


def table_names(models_: list[type[models.Model]]) -> list[str]:
    """The models' tables and their auto-created many-to-many tables."""
    tables = []
    for model in models_:
        tables.append(model._meta.db_table)
        tables.extend(
            f.remote_field.through._meta.db_table
            for f in model._meta.local_many_to_many
            if f.remote_field.through._meta.auto_created
        )
    return tables


def delete_rows(models_: list[type[models.Model]], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Empty the models' tables, bypassing the models' delete() rules (reviews are append-only)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        for table in table_names(models_):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


def restore_site(path: str | Path, *, using: str = DEFAULT_DB_ALIAS, force: bool = False) -> Report:
    """Load an archive written by backup_site into this database and media storage.

    Refuses unless the database is empty (see `site_in_use`), or `force` is given, in
    which case every backed-up table is emptied first. All or nothing: any error rolls
    the database back.
    """
    connection = connections[using]
    report = Report()
    ContentType.objects.clear_cache()  # natural keys must resolve against this database's rows
    with tarfile.open(path, "r:gz") as archive:
        manifest = read_manifest(archive)
        missing = sorted({tuple(m) for m in manifest["migrations"]} - {tuple(m) for m in _applied_migrations(using)})
        if missing:
            names = ", ".join(f"{app}.{name}" for app, name in missing[:10])
            raise BackupError(
                f"The backup was made with migrations this database does not have ({names}"
                f"{', ...' if len(missing) > 10 else ''}). Run `manage.py migrate` with the matching code first."
            )
        in_use = site_in_use(using)
        if in_use and not force:
            raise BackupError(
                "Refusing to restore over a site in use: the database already holds "
                + ", ".join(in_use)
                + ". Restore into an empty, migrated database, or pass --force to erase this site's data first."
            )
        known = {model._meta.label_lower: model for model in backed_up_models()}
        unknown = sorted(set(manifest["rows"]) - set(known))
        if unknown:
            raise BackupError(f"The backup holds models this code does not have: {', '.join(unknown)}.")
        targets = [known[label] for label in manifest["rows"]]

        # One transaction with the immutability guards off (articles/immutability.py): the site's
        # signed-off versions and history are replaced wholesale, which no other writer may do.
        with guards_suspended(using):
            # Empty every table we restore (only migration-made rows, unless forced), and sessions.
            # DELETE rather than TRUNCATE: it works inside a caller's transaction too, and
            # the foreign keys are deferred, so the order does not matter.
            delete_rows([*targets, apps.get_model("sessions", "Session")], using=using)
            with connection.constraint_checks_disabled():
                for label in manifest["rows"]:
                    member = archive.extractfile(f"data/{label}.jsonl")
                    stream = io.TextIOWrapper(member, encoding="utf-8")
                    count = 0
                    for obj in jsonl.Deserializer(stream, using=using, handle_forward_references=False):
                        obj.save(using=using, force_insert=True)
                        count += 1
                    report.rows[label] = count
            connection.check_constraints(table_names=table_names(targets))
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), targets):
                    cursor.execute(sql)
            for model in targets:
                label = model._meta.label_lower
                actual = model._base_manager.using(using).count()
                if actual != manifest["rows"][label]:
                    raise BackupError(f"{label}: the backup lists {manifest['rows'][label]} rows, {actual} loaded.")
            for entry in manifest["media"]:
                name = entry["path"]
                if name.startswith("/") or ".." in name.split("/"):
                    raise BackupError(f"Unsafe media path in the backup: {name!r}")
                data = archive.extractfile(f"media/{name}").read()
                if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                    raise BackupError(f"Media file {name} is damaged in the backup (checksum mismatch).")
                if default_storage.exists(name):
                    default_storage.delete(name)
                saved = default_storage.save(name, ContentFile(data))
                if saved != name:
                    raise BackupError(f"Media file {name} was stored as {saved}.")
                report.media.append(entry)
            caching.invalidate(caching.SITE)  # every cached page showed the site as it was
    return report
