"""Under the Content-Security-Policy (no inline scripts) and an HttpOnly CSRF cookie, the
admin still works in Chromium and the browser reports no policy violation."""

import pytest

from tests.browser.editing import fill_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
});
"""


def watched(page):
    """Collect CSP violations from the console and from securitypolicyviolation events."""
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(WATCH_VIOLATIONS)

    def violations() -> list[str]:
        events = page.evaluate("window.__cspViolations || []")
        return [*events, *(text for text in console if "Content Security Policy" in text)]

    return violations


def test_the_admin_works_under_the_csp_with_no_violations(
    live_server, open_page, sign_in, settings, draft_factory, submit, editor, reviewer
):
    settings.CSRF_COOKIE_HTTPONLY = True
    version = draft_factory()
    article = version.article
    page = open_page()
    violations = watched(page)

    response = page.goto(f"{live_server.url}/admin/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline' " not in policy.split("script-src")[1].split(";")[0]
    sign_in(page, "editor")
    visited = ["/admin/login/", "/admin/"]
    for path in [
        f"/admin/articles/article/{article.pk}/change/",
        f"/admin/articles/articleversion/{version.pk}/change/",
        "/admin/articles/articleversion/",
    ]:
        page.goto(f"{live_server.url}{path}")
        visited.append(path)
    # Save the draft: the form's CSRF token works with the cookie out of JavaScript's reach.
    page.goto(f"{live_server.url}/admin/articles/articleversion/{version.pk}/change/")
    fill_body(page, "Cramps are common at night [@1].")
    page.click("input[name=_continue]")
    assert "was changed successfully" in page.inner_text(".messagelist")
    assert page.evaluate("document.cookie").find("csrftoken") == -1  # HttpOnly: invisible to scripts
    submit(version)

    reviewer_page = open_page()
    reviewer_violations = watched(reviewer_page)
    sign_in(reviewer_page, "reviewer")
    reviewer_page.goto(f"{live_server.url}/admin/articles/articleversion/?status__exact=submitted")
    reviewer_page.click("td.field-review_link a")
    visited.append(reviewer_page.url.removeprefix(live_server.url))
    reviewer_page.click("#confirm-sign-off summary")  # the confirmation opens first
    reviewer_page.click("button[value=approve]")
    assert "is now live" in reviewer_page.inner_text(".messagelist")
    reader = open_page()
    reader_violations = watched(reader)
    reader.goto(f"{live_server.url}{article.get_absolute_url()}")
    visited.append(article.get_absolute_url())

    found = [*violations(), *reviewer_violations(), *reader_violations()]
    print(f"\nCSP: {len(visited)} pages in Chromium ({', '.join(visited)}), {len(found)} violations")
    print(f"Content-Security-Policy: {policy}")
    assert found == []

    # The watcher does see a violation: an injected inline script is blocked and reported.
    reader.evaluate(
        "document.body.append(Object.assign(document.createElement('script'), {textContent: 'window.ran = 1'}))"
    )
    reader.wait_for_function("window.__cspViolations.length > 0")
    assert reader.evaluate("window.ran") is None
    print(f"CSP sanity check, injected inline script: {reader_violations()[0]}")
