"""Headless Chromium (Debian's) driven by Playwright against pytest-django's live server.

Without a browser these tests skip with the reason; with REQUIRE_BROWSER=1 (CI)
a missing browser is an error instead.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


def _unavailable() -> str | None:
    if not shutil.which(CHROMIUM):
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


@pytest.fixture(autouse=True)
def _groups_for_live_server_tests(editorial_groups):
    """Browser tests run against the live server in flushed transactions."""


@pytest.fixture(scope="session")
def browser():
    reason = _unavailable()
    if reason:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update"],
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser):
    """A fresh browser context (own cookies) per person in the test."""
    contexts = []

    def make(width: int = 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in(live_server):
    def do(page, username: str, password: str = "pw"):
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")

    return do


AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture
def run_axe():
    """Inject axe-core (npm, pinned in package.json) into a page and return its violations."""
    if not AXE_SCRIPT.exists():
        reason = f"{AXE_SCRIPT} is missing (run `npm ci`)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)

    def run(page) -> list[dict]:
        # Evaluated, not added as an inline <script>: the site's CSP rightly blocks inline scripts.
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            AXE_TAGS,
        )
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]

    return run


@pytest.fixture
def demo_content(transactional_db):
    """The demo articles, causes and people from fixtures/, through the real workflow."""
    from django.core.management import call_command

    from tests.production import ROOT

    call_command("load_content", str(ROOT / "fixtures"), verbosity=0)
