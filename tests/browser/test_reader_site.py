"""A reader's journey and the accessibility of every page type, in Chromium."""

import re

import pytest
from django.template.loader import render_to_string

from reader.models import HelpfulVote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_TYPES = {
    "home": "/",
    "articles A to Z": "/articles/",
    "article (series part, FAQ, references)": "/articles/what-causes-muscle-spasms/",
    "article (FAQ page)": "/articles/muscle-spasms-faq/",
    "cause index": "/causes/",
    "cause": "/causes/dehydration/",
    "topic": "/topics/bones-joints-and-muscles/",
    "person (reviewer)": "/people/helena-marsh/",
    "person (author)": "/people/nadia-brooks/",
    "search results": "/search/?q=night+cramps",
    "search, nothing found": "/search/?q=zzyzx",
    "search, empty": "/search/",
    "not found (404)": "/no-such-page/",
}


def test_a_reader_lands_searches_reads_checks_a_source_opens_a_cause_votes_and_meets_the_reviewer(
    live_server, open_page, demo_content
):
    page = open_page(width=375)
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Muscle spasms and cramps, explained"

    page.fill("#home-q", "night cramps")
    page.press("#home-q", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q=night\+cramps"))
    first = page.locator(".result").first
    assert "Night leg cramps" in first.locator("h2").inner_text()
    assert first.locator("mark").count() >= 2  # the matching words are highlighted

    first.locator("h2 a").click()
    page.wait_for_url(f"{live_server.url}/articles/night-leg-cramps/")
    assert page.locator("h1").inner_text() == "Night leg cramps"

    marker = page.locator(".article-body sup.citation a").first
    number = marker.inner_text()
    marker.click()
    assert page.url.endswith(f"#ref-{number}")
    reference = page.locator(f"#ref-{number}")
    assert reference.evaluate("el => el.matches(':target')")
    assert reference.is_visible()
    reference.locator("a.backlink").first.click()  # and back to the text
    assert re.search(r"#cite-\d+$", page.url)

    page.locator("section.causes a").first.click()
    page.wait_for_url(re.compile(r"/causes/[\w-]+/$"))
    assert page.locator(".card a", has_text="Night leg cramps").count() == 1
    page.go_back()

    page.locator("#helpful button[value=yes]").click()
    page.wait_for_url(re.compile(r"\?voted=1#helpful$"))
    assert "1 of 1 found this helpful" in page.locator("#helpful").inner_text()
    assert "you told us this article was helpful" in page.locator("#helpful").inner_text()
    assert HelpfulVote.objects.filter(article__slug="night-leg-cramps", helpful=True).count() == 1

    reviewer_link = page.locator(".review-box dd a").last
    reviewer_name = reviewer_link.inner_text()
    reviewer_link.click()
    page.wait_for_url(re.compile(r"/people/[\w-]+/$"))
    assert reviewer_name in page.locator("h1").inner_text()
    assert "Medical reviewer" in page.locator(".person").inner_text()
    assert page.locator("a", has_text="Night leg cramps").count() >= 1


def test_keyboard_only_skip_link_and_visible_focus(live_server, open_page, demo_content):
    page = open_page()
    page.goto(live_server.url + "/articles/night-leg-cramps/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0  # on screen once focused
    assert skip.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.keyboard.press("Tab")  # the next stop is inside the main content
    assert page.evaluate("document.activeElement.closest('main') !== null")
    # the vote buttons are reachable and operable from the keyboard
    page.focus("#helpful button[value=no]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?voted=1#helpful$"))
    assert "0 of 1 found this helpful" in page.locator("#helpful").inner_text()


@pytest.mark.parametrize("width", [375, 1280])
def test_every_page_type_passes_axe_and_fits_the_screen(live_server, open_page, run_axe, demo_content, width):
    page = open_page(width=width)
    external = []
    page.on(
        "request", lambda request: None if request.url.startswith(live_server.url) else external.append(request.url)
    )
    problems = {}
    for name, path in PAGE_TYPES.items():
        page.goto(live_server.url + path)
        violations = run_axe(page)
        if violations:
            problems[name] = violations
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} is {overflow}px wider than a {width}px screen"
    # the 500 page is static (no database): check its markup with the site's styles
    page.goto(live_server.url + "/")
    page.set_content(render_to_string("500.html", {"site_name": "spasminfo"}))
    page.wait_for_load_state("load")
    if violations := run_axe(page):
        problems["server error (500)"] = violations
    assert problems == {}
    assert external == [], "pages must not request anything from another host"


def test_the_narrowest_screen_still_fits(live_server, open_page, demo_content):
    page = open_page(width=320)
    for path in PAGE_TYPES.values():
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path


PRINT_HIDDEN = [".site-header nav", ".header-search", ".toc", ".helpful", ".related", ".site-footer .footer-links"]


def test_printing_an_article_hides_navigation_forms_and_asides(live_server, open_page, demo_content):
    page = open_page()
    page.goto(live_server.url + "/articles/what-causes-muscle-spasms/")
    for selector in PRINT_HIDDEN:  # on screen, each is there and shown, so the check below means something
        assert page.locator(selector).first.is_visible(), selector
    page.emulate_media(media="print")
    hidden = {selector: page.locator(selector).evaluate_all("els => els.every(e => !e.checkVisibility())")
              for selector in PRINT_HIDDEN}  # fmt: skip
    print(f"\nprint media: {sum(hidden.values())} of {len(hidden)} screen-only parts hidden")
    assert all(hidden.values()), hidden
    for kept in ("h1", ".article-body", ".references"):
        assert page.locator(kept).first.is_visible(), kept
