"""No query makes search fail: the hostile-input corpus and 1,000 random strings (letters,
digits, punctuation, white space, control characters and unicode), each through search itself
and through the search page (a 200, or the site's 400 for a NUL byte: never a 500)."""

import random
import string

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.production import ROOT
from tests.security.hostile_inputs import corpus

pytestmark = pytest.mark.django_db

UNICODE = (
    "éèàçñøåßæœÉÑÜ"  # accented Latin
    "\u0301\u0308"  # combining marks
    "Ωπσжщфיאבعربي"  # Greek, Cyrillic, Hebrew, Arabic
    "漢字かなカナ한국어"  # CJK
    "😀💊🦵👁️"  # emoji
    "\u200b\u200d\u202e\ufeff\u00a0"  # zero width, right-to-left override, byte order mark, no-break space
    "\ud7ff\ue000\uffff"  # edges of the planes
)
ALPHABET = string.ascii_letters + string.digits + string.punctuation + " \t\n" + "\x00\x01\x1f\x7f" + UNICODE


def random_queries(n: int = 1000, seed: int = 20261207) -> list[str]:
    chance = random.Random(seed)
    return ["".join(chance.choice(ALPHABET) for _ in range(chance.randint(1, 80))) for _ in range(n)]


@pytest.fixture
def demo_content(db):
    call_command("load_content", str(ROOT / "fixtures"), verbosity=0)


def test_no_hostile_or_random_query_errors_or_takes_the_page_down(demo_content, reader, settings):
    settings.SPASMINFO_SEARCH_RATE = "100000/m"  # every request here comes from one address
    queries = [payload for _, payload in corpus()] + random_queries()
    queries += ["", " ", "a" * 500, "cramp " * 50, "\x00", "'; DROP TABLE articles_article; --", "%s %(x)s {0}"]
    failures = []
    for query in queries:
        try:  # an exception in the view is raised here by the test client
            response = reader.get(reverse("articles:search"), {"q": query})
        except Exception as error:  # collected, then reported together
            failures.append((query, repr(error)))
            continue
        expected = 400 if "\x00" in query else 200  # a NUL byte is refused by every page (operations/input.py)
        if response.status_code != expected:
            failures.append((query, f"page: {response.status_code}"))
    assert not failures, failures[:20]
    print(f"\n{len(queries)} hostile and random queries: no error, every page a 200 (a 400 with a NUL byte)")
