"""Suggestions as you type, tap targets and print, in Chromium."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MIN_TARGET = 24  # CSS px, WCAG 2.2 success criterion 2.5.8


def test_suggestions_work_with_the_keyboard_and_pass_axe(live_server, open_page, run_axe, demo_content):
    page = open_page(width=375)
    page.goto(live_server.url + "/")
    box = page.locator("#home-q")
    assert box.get_attribute("role") == "combobox" and box.get_attribute("aria-expanded") == "false"
    box.press_sequentially("ni", delay=50)
    listbox = page.locator("#" + box.get_attribute("aria-controls"))
    listbox.locator("[role=option]").first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    options = listbox.locator("[role=option]")
    assert 1 <= options.count() <= 8
    assert "Night leg cramps" in options.first.inner_text()
    assert page.locator("[role=status]", has_text="suggestion").count() == 1
    assert run_axe(page) == []  # with the list open

    box.press("ArrowDown")
    first = options.first
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    box.press("Enter")
    page.wait_for_url(f"{live_server.url}/articles/night-leg-cramps/")

    page.goto(live_server.url + "/causes/")  # the header's search box
    box = page.locator("#header-q")
    box.press_sequentially("dehy", delay=50)
    page.locator("[role=option]", has_text="Dehydration").first.wait_for()
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    box.press("Enter")  # with no suggestion chosen, Enter still searches
    page.wait_for_url(re.compile(r"/search/\?q=dehy$"))


def test_citation_markers_and_back_links_are_at_least_24_px_tap_targets(live_server, open_page, demo_content):
    page = open_page(width=375)
    page.goto(live_server.url + "/articles/night-leg-cramps/")
    for selector in (".article-body sup.citation a", ".references a.backlink"):
        sizes = page.locator(selector).evaluate_all(
            "els => els.map(el => { const r = el.getBoundingClientRect(); return [r.width, r.height]; })"
        )
        assert sizes, selector
        too_small = [size for size in sizes if size[0] < MIN_TARGET or size[1] < MIN_TARGET]
        assert too_small == [], (selector, too_small)


def test_print_shows_the_address_and_leaves_out_back_links(live_server, open_page, demo_content):
    page = open_page()
    url = live_server.url + "/articles/night-leg-cramps/"
    page.goto(url)
    assert not page.locator(".print-address").is_visible()
    assert page.locator("a.backlink").first.is_visible()
    page.emulate_media(media="print")
    address = page.locator(".print-address")
    assert address.is_visible() and address.inner_text() == f"Printed from {url}"
    assert page.locator("a.backlink").count() > 0
    assert not any(link.is_visible() for link in page.locator("a.backlink").all())
