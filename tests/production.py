"""Helpers for tests that run the site the way production does: real subprocesses on 127.0.0.1."""

import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port(first: int = 8100, last: int = 8199) -> int:
    """A free port in the range this project's servers may use."""
    for port in range(first, last + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {first}-{last}")


THROWAWAY_PREFIX = "test_spasminfo_tmp_"


def _server() -> dict:
    from django.conf import settings

    return settings.DATABASES["default"]


def _admin_connection():
    import psycopg

    db = _server()
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def throwaway_database_url() -> str:
    """A new empty database on the test server, for a subprocess to migrate (dropped when the run ends)."""
    name = THROWAWAY_PREFIX + secrets.token_hex(4)
    with _admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    db = _server()
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def drop_throwaway_databases() -> None:
    with _admin_connection() as conn:
        names = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [THROWAWAY_PREFIX.replace("_", "\\_") + "%"]
        ).fetchall()
        for (name,) in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_env(tmp: Path, **extra: str) -> dict[str, str]:
    """Production settings on a throwaway database of the test server, static and media folders under `tmp`."""
    # Not DJANGO_ALLOW_ASYNC_UNSAFE either: the browser tests set it for Playwright, and
    # check --deploy rightly refuses it.
    dropped = {"DEBUG", "SECRET_KEY", "CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DJANGO_SETTINGS_MODULE="spasminfo.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=throwaway_database_url(),
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"),
        CACHE_URL="redis://127.0.0.1:6379/3",
        PYTHON=sys.executable,
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result
