"""THE invariant, route by route: nothing a reviewer has not signed off reaches a reader.

Every public route is read from the URLconf (a new route is walked automatically; a route
with a parameter this test does not know fails loudly) and requested, by GET and by POST,
against an article in every state a reader must not see, unreviewed supporting text (proposed
bios, credentials, names, links and descriptions) and people, causes and topics only a draft
names. Prints "no-leak walk: N routes x M states checked (R requests), 0 leaks".

With SPASMINFO_TEST_PROXY=varnish every GET goes through a real Varnish in front of the live
server (tests/proxy.py; POSTs, which Varnish passes, go straight to the site), and the states
are committed one after another instead of rolled back, so Varnish keeps what earlier states
cached: the lists, the article and its cause's, topic's and people's pages are fetched while the
archived and taken-down articles are still live, and must not show them afterwards.
"""

import datetime
import json
import re
from contextlib import nullcontext
from urllib.parse import urlencode

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from api.models import ApiKey
from articles import lifecycle, services, supporting_text, workflow
from articles.models import Article, Person
from participation.models import AnswerVersion, Prompt, Question, Report, Story
from taxonomy.models import Cause, CauseGroup, Topic
from tests.proxy import PROXIED

pytestmark = pytest.mark.django_db(transaction=PROXIED)

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


JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
LISTING_ONLY = "listing-only"  # the article's own page may show it; nothing else may
OLD_VERSION_LIVE = "old-version-live"  # the page exists (the live version); the new text must not show
SUPPORTING_TEXT = "supporting-text"  # the pages exist; the proposed (unreviewed) text must not show anywhere
SUPPORTING_PAGES = {
    "articles:person_detail", "articles:person_written", "articles:person_reviewed",
    "taxonomy:cause_detail", "taxonomy:topic_detail",
    "api:person_detail", "api:cause_detail", "api:topic_detail",
}  # fmt: skip
ARTICLE_PAGES = {"articles:article_detail", "api:article_detail"}  # a GET of a hidden article's slug is a 404
# The API's article routes may show an archived article (still signed off and readable at its URL), with
# its dateArchived: that is how a syndicator learns to take it down. No other list may.
ARCHIVED_SHOWN = {"articles:article_detail", "articles:helpful_vote", "api:article_detail", "api:article_list"}
# An archived article's own readers' pages (its stories, the form, the thanks) name it, as its page does.
ARCHIVED_SHOWN |= {
    "participation:stories",
    "participation:share_story",
    "participation:story_thanks",
    "participation:report_article",
}
GONE = "gone"  # taken down: hidden everywhere, and its own page answers 410 (withdrawn for medical review)
# The API's removals feed tells syndicators to drop a taken-down article: it names its address (the slug,
# public before), never its text.
GONE_ANNOUNCED = {"api:removed_list"}
# Routes of a hidden article that must be a 404, and for which method.
OWN_404 = {
    *((name, "get") for name in ARTICLE_PAGES),
    ("articles:helpful_vote", "post"),
    ("participation:stories", "get"),
    ("participation:share_story", "get"),
    ("participation:share_story", "post"),
    ("participation:story_thanks", "get"),
    ("participation:report_article", "get"),
    ("participation:report_article", "post"),
    ("participation:question_detail", "get"),
    ("participation:question_vote", "post"),
    ("participation:report_question", "get"),
    ("participation:report_question", "post"),
}
PROMPT = "leak-prompt"  # every state's article asks it (participation routes take <slug>/<prompt>)


def _revision(publish, editor, submit, slug, marker):
    live = publish(slug=slug, title=f"{marker} live title", body=f"{marker}live body [@1].")
    draft = services.start_draft(article=live, user=editor)
    draft.title = f"{marker} revised headline"
    draft.body = f"{marker}revision body [@1]."
    draft.save()
    return live, submit(draft)


def build_states(draft_factory, submit, publish, editor, reviewer, warm=lambda slug: None):
    """name -> (slug, secret texts, how strict). Each builder runs in its own rolled-back transaction
    (committed, through Varnish). `warm(slug)` fetches the pages that show a live article, before it is hidden."""

    def approve_later(version):
        services.approve_version(
            version=version,
            reviewer=reviewer.person,
            seen_fingerprint=version.submitted_fingerprint,
            user=reviewer,
            go_live_at=timezone.now() + datetime.timedelta(days=7),
        )

    def draft():
        draft_factory(slug="leak-draft", title="Zebramark draft", body="Zebramark body [@1].")
        return "leak-draft", ["Zebramark", "leak-draft"], "hidden"

    def submitted():
        submit(draft_factory(slug="leak-submitted", title="Yakmark title", body="Yakmark body [@1]."))
        return "leak-submitted", ["Yakmark", "leak-submitted"], "hidden"

    def sent_back():
        version = submit(draft_factory(slug="leak-sent-back", title="Xerusmark title", body="Xerusmark body [@1]."))
        services.send_back_version(version=version, reviewer=reviewer.person, comment="Not yet.", user=reviewer)
        return "leak-sent-back", ["Xerusmark", "leak-sent-back"], "hidden"

    def scheduled_first_version():
        approve_later(submit(draft_factory(slug="leak-scheduled", title="Walrusmark title", body="Walrusmark [@1].")))
        return "leak-scheduled", ["Walrusmark", "leak-scheduled"], "hidden"

    def revision_awaiting_review():
        _revision(publish, editor, submit, "leak-revision", "Vicunamark")
        return "leak-revision", ["Vicunamark revised", "Vicunamarkrevision"], OLD_VERSION_LIVE

    def revision_scheduled():
        _, revision = _revision(publish, editor, submit, "leak-revision-scheduled", "Urialmark")
        approve_later(revision)
        return "leak-revision-scheduled", ["Urialmark revised", "Urialmarkrevision"], OLD_VERSION_LIVE

    def archived():
        article = publish(slug="leak-archived", title="Tapirmark title", body="Tapirmark body [@1].")
        warm("leak-archived")
        lifecycle.archive_article(article=article, user=editor)
        return "leak-archived", ["Tapirmark"], LISTING_ONLY

    def taken_down():
        """Withdrawn for medical review (emergency take-down): its signed-off text must not show anywhere."""
        article = publish(slug="leak-taken-down", title="Rhinomark title", body="Rhinomark body [@1].")
        warm("leak-taken-down")
        lifecycle.take_down_article(article=article, user=reviewer, reason="Rhinomark reason")
        return "leak-taken-down", ["Rhinomark", "leak-taken-down"], GONE

    def overdue_when_policy_hides():
        with time_machine.travel("2024-01-10 10:00Z", tick=False):
            publish(slug="leak-overdue", title="Serowmark title", body="Serowmark body [@1].")
        return "leak-overdue", ["Serowmark", "leak-overdue"], "hidden"

    def unreviewed_supporting_text():
        """Proposed text about a live article's author, reviewer, cause, cause group and topic."""
        article = publish(slug="leak-supporting", title="Supporting live title")
        version = article.live_version
        targets = [
            (version.author_links.get().person, {"bio": "Okapimark bio", "credentials": "Okapimark MD"}),
            (reviewer.person, {"name": "Okapimark Name", "profile_url": "https://okapimark.example/"}),
            (version.cause_links.get().tag, {"description": "Okapimark cause text"}),
            (version.cause_links.get().tag.group, {"description": "Okapimark group text"}),
            (article.topic, {"description": "Okapimark topic text"}),
        ]
        for obj, values in targets:
            supporting_text.propose_text(obj=obj, values=values, user=editor)
            obj.save()
        return "leak-supporting", ["Okapimark"], SUPPORTING_TEXT

    def unreviewed_classification():
        """Proposed names and structure around a live, cached article: its cause, cause group and topic
        renamed, the cause moved to a new group, the article refiled under a new topic."""
        article = publish(slug="leak-classified", title="Classified live title")
        warm("leak-classified")
        cause = article.live_version.cause_links.get().tag
        new_group = CauseGroup.objects.create(name="Markhormark group", slug="markhormark-group")
        new_topic = Topic.objects.create(name="Markhormark topic", slug="markhormark-topic")
        targets = [
            (cause, {"name": "Markhormark cause", "group": new_group.pk}),
            (cause.group, {"name": "Markhormark old group"}),
            (article.topic, {"name": "Markhormark old topic"}),
            (article, {"topic": new_topic.pk}),
        ]
        for obj, values in targets:
            supporting_text.propose_text(obj=obj, values=values, user=editor)
            obj.save()
        return "leak-classified", ["Markhormark", "markhormark-"], SUPPORTING_TEXT

    def named_only_by_a_draft():
        """A person, cause, cause group and topic that only an unpublished draft names."""
        person = Person.objects.create(name="Quokkamark Writer", slug="quokka-writer", bio="Quokkamark bio")
        group = CauseGroup.objects.create(name="Quokkamark group", slug="quokka-group", description="Quokkamark")
        new_cause = Cause.objects.create(
            name="Quokkamark cause", slug="quokka-cause", group=group, description="Quokkamark"
        )
        new_topic = Topic.objects.create(name="Quokkamark topic", slug="quokka-topic", description="Quokkamark")
        version = draft_factory(slug="leak-unpublished-person", title="Quokkamark draft", author=person)
        Article.objects.filter(pk=version.article_id).update(topic=new_topic)
        version.cause_links.create(tag=new_cause)
        submit(version)
        return (
            "leak-unpublished-person",
            ["Quokkamark", "quokka-"],
            "hidden",
            ["quokka-writer", "quokka-cause", "quokka-topic"],
        )

    def answered_question_naming_taxonomy_only_a_draft_names():
        """A public question filed under a topic and a cause that only a draft names: their pages are
        404, so the question's page must not name or link them."""
        from participation import answers

        group = CauseGroup.objects.create(name="Capybaramark group", slug="capybara-group")
        hidden_cause = Cause.objects.create(name="Capybaramark cause", slug="capybara-cause", group=group)
        hidden_topic = Topic.objects.create(name="Capybaramark topic", slug="capybara-topic")
        version = draft_factory(slug="leak-taxonomy-draft", title="Capybaramark draft")
        Article.objects.filter(pk=version.article_id).update(topic=hidden_topic)
        version.cause_links.create(tag=hidden_cause)
        asked = Question.objects.create(text="Do cold feet cause cramps at night?")
        asked = answers.accept_question(question=asked, user=editor, topic=hidden_topic)
        asked.causes.add(hidden_cause)
        expert, _ = Person.objects.get_or_create(name="Walk Expert", slug="walk-expert")
        answer = answers.submit_answer(
            version=answers.start_answer(question=asked, answerer=expert, body="Sometimes.", user=editor), user=editor
        )
        answers.approve_answer(
            version=answer, reviewer=reviewer.person, seen_fingerprint=answer.submitted_fingerprint, user=reviewer
        )
        assert Question.objects.public().filter(pk=asked.pk).exists()
        return asked.slug, ["Capybaramark", "capybara-"], SUPPORTING_TEXT, ["capybara-cause", "capybara-topic"]

    def story(status, marker):
        """A live article whose prompt has a story a reader must not see."""

        def build():
            article = publish(slug=f"leak-story-{status}", title=f"Story article {status}")
            Story.objects.create(
                article=article,
                prompt=Prompt.objects.get(slug=PROMPT),
                display_name=f"{marker} Name",
                text=f"{marker} story text about cramps.",
                email=f"{marker.lower()}@example.org",
                consent=True,
                status=status,
            )
            return f"leak-story-{status}", [marker], SUPPORTING_TEXT

        return build

    def approved_story_of_a_hidden_article():
        version = draft_factory(slug="leak-story-draft", title="Kiangmark draft")
        Story.objects.create(
            article=version.article,
            prompt=Prompt.objects.get(slug=PROMPT),
            display_name="Kiangmark",
            text="Kiangmark approved story text.",
            consent=True,
            status=Story.Status.APPROVED,
        )
        return "leak-story-draft", ["Kiangmark"], "hidden"

    def readers_reports():
        """Reports are never public: not on the article, the story, or anywhere else."""
        article = publish(slug="leak-reported", title="Reported article")
        story = Story.objects.create(
            article=article,
            prompt=Prompt.objects.get(slug=PROMPT),
            display_name="Visible",
            text="A visible approved story.",
            consent=True,
            status=Story.Status.APPROVED,
        )
        Report.objects.create(article=article, reason="inaccurate", text="Lynxmark article report")
        Report.objects.create(story=story, reason="offensive", text="Lynxmark story report")
        return "leak-reported", ["Lynxmark"], SUPPORTING_TEXT

    def question(stage, marker):
        """A reader's question that readers must not see yet."""

        def build():
            asked = Question.objects.create(text=f"{marker} question about cramps?", email=f"{marker}@example.org")
            if stage == "new":
                return f"leak-question-{stage}", [marker], "hidden"
            if stage == "declined":
                Question.objects.filter(pk=asked.pk).update(status="declined", slug=f"leak-question-{stage}")
                return f"leak-question-{stage}", [marker], "hidden"
            Question.objects.filter(pk=asked.pk).update(status="accepted", slug=f"leak-question-{stage}")
            if stage != "accepted":
                expert, _ = Person.objects.get_or_create(name="Walk Expert", slug="walk-expert")
                AnswerVersion.objects.create(
                    question=asked, answerer=expert, body=f"{marker} answer text.", status=stage
                )
            return f"leak-question-{stage}", [marker], "hidden"

        return build

    return {
        "question asked (new)": question("new", "Marmotmark"),
        "question declined": question("declined", "Nilgaimark"),
        "question accepted, no answer": question("accepted", "Ocelotmark"),
        "question with an answer awaiting sign-off": question("submitted", "Pumamark"),
        "question with an answer sent back": question("sent_back", "Quaggamark"),
        "readers' reports": readers_reports,
        "story awaiting moderation": story(Story.Status.PENDING, "Gnumark"),
        "story rejected": story(Story.Status.REJECTED, "Ibexmark"),
        "story hidden by reports": story(Story.Status.HIDDEN, "Jackalmark"),
        "approved story under an unpublished article": approved_story_of_a_hidden_article,
        "unreviewed supporting text": unreviewed_supporting_text,
        "unreviewed names and filing (renames, a cause moved, an article refiled)": unreviewed_classification,
        "person, cause and topic named only by a draft": named_only_by_a_draft,
        "answered question filed under a topic and cause only a draft names": (
            answered_question_naming_taxonomy_only_a_draft_names
        ),
        "draft": draft,
        "submitted": submitted,
        "sent back": sent_back,
        "approved, scheduled (first version)": scheduled_first_version,
        "revision awaiting review": revision_awaiting_review,
        "revision approved, scheduled": revision_scheduled,
        "archived (must leave listings)": archived,
        "taken down (410, withdrawn for medical review)": taken_down,
        "overdue with OVERDUE_POLICY=hide": overdue_when_policy_hides,
    }


def bad_tokens(slug):
    """Expert preview tokens that must open nothing: made up, a guessed nonce, another salt, and a
    real link to the state's own open version that an editor revoked (only a working link opens it)."""
    from django.core import signing

    from previews import services as previews
    from previews.models import SALT

    article = Article.objects.filter(slug=slug).first()
    if article is None:  # the state hides something other than an article (a reader's question)
        return ["not-a-token", signing.dumps({"id": 1, "n": "guess"}, salt=SALT)]
    version = article.versions.order_by("-number").first()
    tokens = [
        "not-a-token",
        signing.dumps({"id": 1, "n": "guess"}, salt=SALT),
        signing.dumps({"id": version.pk, "n": "x"}, salt="another"),
    ]
    if version.status in version.OPEN_STATUSES:
        link = previews.create_preview_link(version=version, recipient="Dr Walk", user=workflow.SYSTEM)
        previews.revoke_preview_link(link=link, user=workflow.SYSTEM)
        tokens.append(link.token)
    return tokens


class ReaderThroughVarnish:
    """The reader, whose GETs go through Varnish (`pages`); POSTs, which Varnish passes, go to the site."""

    def __init__(self, pages, reader):
        self.pages, self.reader = pages, reader
        self.hits = 0  # GETs Varnish served from storage

    def get(self, url, data=None, **headers):
        if data:
            url = f"{url}?{urlencode(data)}"
        if headers:  # an API key: Varnish passes requests with Authorization, as it does POSTs
            return self.reader.get(url, HTTP_HOST=self.pages.host, **headers)
        response = self.pages.get(url)
        self.hits += response.get("X-Cache") == "HIT"
        return response

    def post(self, url, data=None, **headers):
        return self.reader.post(url, data, HTTP_HOST=self.pages.host, **headers)


def warming(pages, cause, topic, writer, reviewer):
    """The pages showing a live article (at `slug`): fetched, so Varnish keeps them."""

    def warm(slug):
        urls = [
            reverse("articles:article_detail", kwargs={"slug": slug}),
            reverse("articles:home"),
            reverse("articles:article_index"),
            reverse("articles:feed"),
            reverse("sitemap"),
            reverse("articles:search") + "?q=" + slug.split("-")[-1],
            cause.get_absolute_url(),
            topic.get_absolute_url(),
            writer.get_absolute_url(),
            reviewer.person.get_absolute_url(),
            reverse("taxonomy:cause_index"),
            reverse("taxonomy:topic_index"),
        ]
        for url in urls:
            assert pages.get(url).status_code == 200, url

    return warm


@override_settings(SPASMINFO_OVERDUE_POLICY="hide", SPASMINFO_READER_POST_RATE="1000/h")
def test_no_public_route_leaks_any_non_live_state(
    pages, draft_factory, submit, publish, editor, reviewer, reader, cause, topic, writer, capsys
):
    if PROXIED:
        reader = ReaderThroughVarnish(pages, reader)
    routes = list(public_patterns())
    leaks, requests, walked = [], 0, set()
    api_key = ApiKey(name="no-leak walk", requests_per_minute=100_000)
    api_headers = {"HTTP_AUTHORIZATION": f"Bearer {api_key.issue()}"}  # the API answers key holders only
    api_key.save()
    warm = warming(pages, cause, topic, writer, reviewer)
    states = build_states(draft_factory, submit, publish, editor, reviewer, warm)
    for number, (state, build) in enumerate(states.items()):
        cache.clear()  # the vote and search rate limits count per address, and every request here is one
        first = number == 0 or not PROXIED  # through Varnish, the states pile up (committed)
        with nullcontext() if PROXIED else transaction.atomic():
            if first:
                Prompt.objects.create(text="What treatment did you use?", slug=PROMPT).topics.add(topic)
            slug, secrets, strictness, *more = build()
            hidden_pages = more[0] if more else []  # people, causes, topics whose own page must be a 404
            if first:
                publish(slug="the-live-one", title="Visible live article")  # so lists, feed and sitemap are not empty
            slugs = [slug, "the-live-one", cause.slug, topic.slug, writer.slug, reviewer.person.slug, *hidden_pages]
            for name, params in routes:
                unknown = set(params) - {"slug", "token", "prompt", "story"}
                assert not unknown, f"{name} takes {unknown}: teach this test which values to try"
                tokens = bad_tokens(slug) if params == ["token"] else []
                # every story there is, in whatever state; only approved ones of live articles may answer
                stories = (list(Story.objects.values_list("pk", flat=True)) or [999999]) if params == ["story"] else []
                public_stories = set(
                    Story.objects.public().filter(article__in=Article.objects.live()).values_list("pk", flat=True)
                )
                for value in tokens or stories or (slugs if params else [None]):
                    key = "slug" if "slug" in params else (params or [None])[0]
                    kwargs = {key: value, **({"prompt": PROMPT} if "prompt" in params else {})}
                    url = reverse(name, kwargs=kwargs if params else None)
                    headers = api_headers if name.startswith("api:") else {}
                    for method in ("get", "post"):
                        queries = [{"q": s} for s in secrets] if name == "articles:search" and method == "get" else []
                        for data in queries or [{"helpful": "yes"} if method == "post" else {}]:
                            response = getattr(reader, method)(url, data, **headers)
                            requests += 1
                            body = response.content.decode(errors="replace").lower()  # a picture has no text to leak
                            if name == "api:article_list" and method == "get":  # the key works: a real walk
                                assert response.status_code == 200 and "the-live-one" in body
                            if "q" in data:  # the search page repeats the reader's own words
                                body = body.replace(data["q"].lower(), "")
                                if "no article matches" not in body:
                                    leaks.append((state, method, url, data, "found by search"))
                            for script in JSON_LD.findall(response.content.decode(errors="replace")):
                                json.loads(script)  # well-formed wherever it appears
                            if strictness == LISTING_ONLY and name in ARCHIVED_SHOWN and value in (slug, None):
                                continue  # the archived article's own page (and vote) and its API record may show it
                            announced = strictness == GONE and name in GONE_ANNOUNCED
                            found = [s for s in secrets if s.lower() in body and not (announced and s == slug)]
                            must_be_404 = (
                                value == slug
                                and strictness not in (OLD_VERSION_LIVE, SUPPORTING_TEXT)
                                and (name, method) in OWN_404
                            ) or (method == "get" and value in hidden_pages and name in SUPPORTING_PAGES)
                            must_be_404 = must_be_404 or (value in tokens and method == "get")
                            if value in tokens and response.status_code not in (404, 405):  # a POST may be 405
                                leaks.append((state, method, url, "a token nobody was given opened it"))
                            must_be_404 = must_be_404 or (value in stories and value not in public_stories)
                            expected = 410 if strictness == GONE and name == "articles:article_detail" else 404
                            if found or (must_be_404 and response.status_code != expected):
                                leaks.append((state, method, url, data, found, response.status_code))
                    walked.add(name)
            assert Article.objects.listed().filter(slug="the-live-one").exists()
            if not PROXIED:
                transaction.set_rollback(True)

    with capsys.disabled():
        print(
            f"\n\nno-leak walk{' through Varnish' if PROXIED else ''}: "
            f"{len(walked)} routes x {len(states)} states checked "
            f"({requests} requests{f', {reader.hits} Varnish hits' if PROXIED else ''}), {len(leaks)} leaks\n"
        )
    assert len(walked) == len({name for name, _ in routes})
    assert {"articles:home", "articles:article_detail", "articles:search", "articles:feed", "sitemap"} <= walked
    assert {"api:article_list", "api:article_detail", "api:person_list", "api:cause_detail"} <= walked
    assert not leaks, leaks[:5]


def test_the_walk_covers_every_named_public_route():
    names = {name for name, _ in public_patterns()}
    assert names >= {
        "articles:home", "articles:article_index", "articles:article_detail", "articles:helpful_vote",
        "articles:person_detail", "articles:search", "articles:feed", "taxonomy:cause_index",
        "taxonomy:cause_detail", "taxonomy:topic_detail", "sitemap", "robots_txt",
        "api:article_list", "api:article_detail", "api:cause_list", "api:cause_detail", "api:topic_list",
        "api:topic_detail", "api:person_list", "api:person_detail", "api:openapi-json", "api:removed_list",
        "participation:stories", "participation:share_story", "participation:story_thanks", "participation:privacy",
        "participation:report_article", "participation:report_story", "participation:report_thanks",
        "participation:question_list", "participation:question_detail", "participation:ask",
        "participation:question_suggest", "participation:question_vote", "participation:report_question",
        "participation:updates", "participation:updates_thanks", "participation:confirm_updates",
        "participation:unsubscribe",
    }  # fmt: skip
