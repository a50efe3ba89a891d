"""Which of the project's apps may import which: a lower app never imports a higher one, so the
apps form no import circle. Every import counts, at the top of a module or inside a function;
migrations and tests are left out (a migration may name any app it depends on).

Where a lower app needs something from a higher one, the higher one plugs it in from its
AppConfig.ready(): participation's panel on the article page (reader/panels.py) and its section
of the sitemap (reader.sitemaps.add_section), the reader's page of a version in the admin's
preview (articles/version_page.py), the page cache's reaction to a restore
(operations.signals.site_restored)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = sorted(p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name != "tests")

# app: the project's apps it must never import
NEVER = {
    "operations": set(APPS) - {"operations"},  # the lowest: the site's plumbing
    "pagecache": set(APPS) - {"pagecache", "operations"},  # knows no model
    "articles": {"reader", "participation", "previews", "api", "reviewcalendar", "devtools", "spasminfo"},
    "taxonomy": {"reader", "participation", "previews", "api", "reviewcalendar", "devtools", "spasminfo"},
    "reader": {"participation", "previews", "api", "reviewcalendar", "devtools", "spasminfo"},
}


def imports_of(app: str) -> dict[str, list[str]]:
    """The project's apps `app` imports, each with where."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.relative_to(ROOT).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in APPS and top != app:
                    found.setdefault(top, []).append(f"{path.relative_to(ROOT)}:{node.lineno} imports {name}")
    return found


@pytest.mark.parametrize("app", sorted(NEVER))
def test_a_lower_app_never_imports_a_higher_one(app):
    assert (ROOT / app / "__init__.py").exists()
    imported = imports_of(app)
    assert [where for top in sorted(NEVER[app] & set(imported)) for where in imported[top]] == []
