"""The shape of the code, read from the source files (ast; nothing is imported):

- no module uses another app's private names (`from articles.services import _record`,
  `services._record`): what apps share is public (articles/workflow.py is the workflow's);
- the source library (references/) imports nothing of articles, which cites it;
- no app holds more than MAX_SHARE of the product's Python lines.

Apps are the top-level folders with an apps.py, plus spasminfo/. Product modules are every
Python file of the project outside tests/ (the apps, spasminfo/, scripts/, manage.py ...).
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = sorted({path.parent.name for path in ROOT.glob("*/apps.py")} | {"spasminfo"})
NOT_PRODUCT = {"tests", "node_modules", "static", "staticfiles", "media"}
MAX_SHARE = 0.40


def product_modules() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in NOT_PRODUCT or any(part.startswith(".") for part in parts):
            continue
        yield path


def dotted(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    """A module or package of the project by that dotted name."""
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def app_of(name: str) -> str | None:
    top = name.split(".")[0]
    return top if top in APPS else None


def imported_modules(tree: ast.AST, module: str, package: bool) -> Iterator[tuple[int, str]]:
    """(line, dotted module) of every import in `tree`, relative imports resolved."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield node.lineno, absolute(node, module, package)


def absolute(node: ast.ImportFrom, module: str, package: bool) -> str:
    """The module an ImportFrom reads from, a relative one resolved against `module`."""
    if not node.level:
        return node.module or ""
    parts = module.split(".") if package else module.split(".")[:-1]
    base = parts[: len(parts) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def private_uses(source: str, module: str, package: bool = False) -> list[str]:
    """Where `source` (the module named `module`) uses a private name of another app: 'line: name'."""
    own = app_of(module)
    tree = ast.parse(source)
    found = []
    modules: dict[str, str] = {}  # local name -> the module of another app it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if app_of(alias.name) not in (None, own):
                    local = alias.asname or alias.name.split(".")[0]
                    modules[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom):
            source_module = absolute(node, module, package)
            if app_of(source_module) in (None, own):
                continue
            for alias in node.names:
                if is_private(alias.name):
                    found.append(f"{node.lineno}: from {source_module} import {alias.name}")
                elif is_module(f"{source_module}.{alias.name}"):
                    modules[alias.asname or alias.name] = f"{source_module}.{alias.name}"
    for node in ast.walk(tree):
        # services._record, articles.services._record: past the submodules, the name read from one
        if not isinstance(node, ast.Attribute):
            continue
        chain, base = [], node
        while isinstance(base, ast.Attribute):
            chain.insert(0, base.attr)
            base = base.value
        if not isinstance(base, ast.Name) or base.id not in modules:
            continue
        target = modules[base.id]
        while chain and is_module(f"{target}.{chain[0]}"):
            target = f"{target}.{chain.pop(0)}"
        if len(chain) == 1 and is_private(chain[0]):  # reported once, at the attribute that reads it
            found.append(f"{node.lineno}: {target}.{chain[0]}")
    return found


def private_uses_in(path: Path) -> list[str]:
    return private_uses(path.read_text(), dotted(path), package=path.name == "__init__.py")


def test_no_module_uses_a_private_name_of_another_app():
    uses = {str(path.relative_to(ROOT)): found for path in product_modules() if (found := private_uses_in(path))}
    assert uses == {}, f"private names of another app (make them public where they belong): {uses}"


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from articles.services import _record", ["1: from articles.services import _record"]),
        ("from articles import services\nservices._record(1)", ["2: articles.services._record"]),
        ("import articles.services\narticles.services._record(1)", ["2: articles.services._record"]),
        ("import articles.services as s\ns._lock(1).x", ["2: articles.services._lock"]),
        ("from .moderation import _locked", []),  # its own app's: participation.moderation
        ("from articles import workflow\nworkflow.record(1)", []),
        ("from participation import _own\nfrom articles.models import Article\nArticle._meta", []),
    ],
)
def test_the_check_reads_every_way_of_reaching_a_private_name(source, found):
    assert private_uses(source, "participation.sample") == found


def test_the_source_library_imports_nothing_of_articles():
    """references/ is below articles: articles cites the library; the library knows nothing of who cites."""
    imports = [
        f"{path.relative_to(ROOT)}:{line} {name}"
        for path in product_modules()
        if app_of(dotted(path)) == "references"
        for line, name in imported_modules(ast.parse(path.read_text()), dotted(path), path.name == "__init__.py")
        if app_of(name) == "articles"
    ]
    assert imports == []


def lines_by_app() -> dict[str, int]:
    counts = dict.fromkeys(APPS, 0)
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if {"migrations", "tests"} & set(path.relative_to(ROOT).parts):
                continue
            counts[app] += len(path.read_text().splitlines())
    return counts


def test_no_app_holds_more_than_its_share_of_the_code():
    counts = lines_by_app()
    total = sum(counts.values())
    shares = {app: round(lines / total, 3) for app, lines in counts.items()}
    assert max(shares.values()) <= MAX_SHARE, f"share of {total} product Python lines: {shares}"
