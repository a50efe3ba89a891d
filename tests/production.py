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


def production_env(tmp: Path, **extra: str) -> dict[str, str]:
    """Production settings on a throwaway SQLite database, static and media folders under `tmp`."""
    # Not DJANGO_ALLOW_ASYNC_UNSAFE either: the browser tests set it for Playwright, and
    # check --deploy rightly refuses it.
    dropped = {"DEBUG", "SECRET_KEY", "CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DJANGO_SETTINGS_MODULE="spasminfo.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
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
