"""THE invariant, route by route: nothing a reviewer has not signed off reaches a reader.

The URL patterns are read from the URLconf, so a new public route is walked
automatically; a route with a parameter this test does not know fails loudly.
"""

import json
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from articles import services

pytestmark = pytest.mark.django_db

SKIPPED_NAMESPACES = {"admin"}


def public_patterns(resolver=None, namespace=""):
    """(name to reverse, parameter names) for every non-admin route."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from public_patterns(entry, inner)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"every public route needs a name to be walked: {entry.pattern}"
            yield f"{namespace}{entry.name}", sorted(entry.pattern.converters)


@pytest.fixture
def hidden(draft_factory, submit, reviewer, editor, publish):
    """Articles in every non-live state, and the text of each that must never be shown."""
    draft_factory(slug="hidden-draft", title="Secret draft title", body="Quokkamarker draft body [@1].")
    submit(
        draft_factory(slug="hidden-awaiting", title="Secret awaiting title", body="Wombatmarker awaiting body [@1].")
    )
    sent_back = submit(
        draft_factory(slug="hidden-sent-back", title="Secret sent back title", body="Numbatmarker sent back body [@1].")
    )
    services.send_back_version(version=sent_back, reviewer=reviewer.person, comment="No.", user=reviewer)

    live = publish(slug="live-article", title="Live cramp article", body="Visible body about cramps [@1].")
    new_draft = services.start_draft(article=live, user=editor)
    new_draft.title = "Unreviewed new headline"
    new_draft.summary = "Unreviewed new summary."
    new_draft.body = "Bilbymarker unreviewed revision [@1]."
    new_draft.save()
    submit(new_draft)  # awaiting review: still not live

    secrets = [
        "Secret draft title", "Quokkamarker", "hidden-draft",
        "Secret awaiting title", "Wombatmarker", "hidden-awaiting",
        "Secret sent back title", "Numbatmarker", "hidden-sent-back",
        "Unreviewed new headline", "Unreviewed new summary", "Bilbymarker",
    ]  # fmt: skip
    return {"live": live, "secrets": secrets, "slugs": ["hidden-draft", "hidden-awaiting", "hidden-sent-back"]}


SEARCHES = ["Quokkamarker", "Wombatmarker", "Numbatmarker", "Bilbymarker", "secret title", "unreviewed", "cramps"]


def test_every_public_route_hides_every_non_live_state(hidden, reader, cause, topic, writer, reviewer):
    live = hidden["live"]
    candidates = {"slug": [*hidden["slugs"], live.slug, cause.slug, topic.slug, writer.slug, reviewer.person.slug]}
    walked = set()
    for name, params in public_patterns():
        unknown = set(params) - set(candidates)
        assert not unknown, f"{name} takes {unknown}: teach this test which values to try"
        values = candidates["slug"] if params else [None]
        for value in values:
            url = reverse(name, kwargs={"slug": value} if params else None)
            queries = SEARCHES if name == "articles:search" else [None]
            for query in queries:
                for method in ("get", "post"):
                    response = getattr(reader, method)(url, {"q": query} if query else {"helpful": "yes"})
                    body = response.content.decode()
                    # the search page repeats the reader's own words; nothing else may carry a secret
                    shown = body.replace(query, "") if query else body
                    for secret in hidden["secrets"]:
                        assert secret.lower() not in shown.lower(), (method, url, query, secret)
                    if name == "articles:search" and method == "get" and query in SEARCHES[:4]:
                        assert "No article matches" in body, query
                    for script in re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S):
                        data = json.loads(script)
                        assert data["name"] == "Live cramp article", url
            walked.add(name)
    # the walk reached the routes that matter, and every non-live article URL is a 404
    assert {"articles:home", "articles:article_detail", "articles:search", "articles:feed", "sitemap"} <= walked
    for slug in hidden["slugs"]:
        assert reader.get(reverse("articles:article_detail", args=[slug])).status_code == 404
        assert reader.post(reverse("articles:helpful_vote", args=[slug]), {"helpful": "yes"}).status_code == 404
    live_page = reader.get(live.get_absolute_url()).content.decode()
    assert "Live cramp article" in live_page and "Visible body about cramps" in live_page


def test_the_walk_covers_every_named_public_route():
    names = {name for name, _ in public_patterns()}
    assert names >= {
        "articles:home", "articles:article_index", "articles:article_detail", "articles:helpful_vote",
        "articles:person_detail", "articles:search", "articles:feed", "taxonomy:cause_index",
        "taxonomy:cause_detail", "taxonomy:topic_detail", "sitemap", "robots_txt",
    }  # fmt: skip
