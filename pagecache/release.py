"""This release's name, in the keys of kept pages and fragments."""

import hashlib
import os
from functools import lru_cache

from django.conf import settings

CODE_SUFFIXES = (".py", ".html", ".txt", ".xml")
NOT_RELEASED = {"tests", "devtools"}  # packages the pages are not made by


def release() -> str:
    """This release's name in the keys of kept pages and fragments (not in the tags' tokens, which
    every release shares, so a change reaches the pages of every server during a rolling deploy):
    pages and fragments kept by older code (its markup, its pickled models) are never served by
    newer code. SPASMINFO_RELEASE (RELEASE), else a hash of the code."""
    return settings.SPASMINFO_RELEASE or _code_fingerprint()


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """A hash of the project's packages (Python files and templates) and of templates/, read once
    per process; nothing a running site writes (media, collected static files, caches) is in it."""
    base = settings.BASE_DIR
    folders = sorted(
        entry.name
        for entry in os.scandir(base)
        if entry.is_dir()
        and entry.name not in NOT_RELEASED
        and (entry.name == "templates" or os.path.exists(os.path.join(entry.path, "__init__.py")))
    )
    digest = hashlib.sha256()
    for top in folders:
        for folder, subfolders, files in os.walk(os.path.join(base, top)):  # in order: sorted in place
            subfolders[:] = sorted(d for d in subfolders if not d.startswith((".", "__")))
            for name in sorted(files):
                if name.endswith(CODE_SUFFIXES):
                    path = os.path.join(folder, name)
                    digest.update(os.path.relpath(path, base).encode())
                    with open(path, "rb") as source:
                        digest.update(source.read())
    return digest.hexdigest()[:12]
