"""Markdown is rendered to HTML that cannot carry script, whatever the editor typed."""

import re

import pytest

from articles.rendering import render_markdown
from references.keys import cited_numbers

EVENT_HANDLER = re.compile(r"<[^>]*\son\w*\s*=", re.I)  # an on...= attribute inside any tag

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<svg onload="alert(1)"></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))" onclick="alert(1)">x</p>',
    "![x](javascript:alert(1))",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "<<script>script>alert(1)<</script>/script>",
    '<details open ontoggle="alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markup_is_neutralised(source):
    html = render_markdown(source).lower()
    assert "<script" not in html
    assert "javascript:" not in html
    assert "data:" not in html
    assert not EVENT_HANDLER.search(html), html
    for attribute in ("onerror", "onload", "onclick", "ontoggle", "style="):
        assert attribute not in html
    for tag in ("<iframe", "<svg", "<img", "<form", "<details"):
        assert tag not in html


def test_tables_lists_and_headings_survive():
    html = render_markdown("## Types\n\n| Type | Cause |\n| --- | --- |\n| Cramp | Overuse |\n\n- one\n- two\n")
    assert '<h2 id="types">Types</h2>' in html
    assert "<table>" in html and "<td>Cramp</td>" in html
    assert "<ul>" in html and "<li>one</li>" in html


def test_citation_markers_link_to_numbered_references():
    html = render_markdown("Cramps are common [@1,3].")
    assert '<a href="#ref-1" class="citation-link"' in html
    assert '<a href="#ref-3" class="citation-link"' in html
    assert cited_numbers("See [@2] and [@1, 2].") == [2, 1]


def test_ordinary_links_keep_working_and_open_safely():
    html = render_markdown("[NHS](https://www.nhs.uk/)")
    assert 'href="https://www.nhs.uk/"' in html
    assert 'rel="noopener noreferrer"' in html
