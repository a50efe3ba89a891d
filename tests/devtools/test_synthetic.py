"""generate_content: synthetic articles are live, listed, searchable and indistinguishable
from hand-made ones in what they store and in what their pages cost."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.derived import faq_anchor_prefix
from articles.models import Article, ArticleEvent, ArticleVersion, ImmutableVersionError, Review
from articles.rendering import render_markdown
from devtools.synthetic import ensure_indexed, verify_version
from search.query import search_articles
from taxonomy.models import Cause, CauseGroup

pytestmark = pytest.mark.django_db


def generate(n: int, **options) -> str:
    out = io.StringIO()
    call_command("generate_content", articles=n, stdout=out, **options)
    return out.getvalue()


def synthetic():
    return Article.objects.filter(slug__startswith="synthetic-")


def test_articles_are_live_listed_and_verified(reader):
    output = generate(12, seed=3, batch_size=5, verify_every=1)
    print(f"\n{output.strip().splitlines()[-1]}")
    articles = list(synthetic().select_related("live_version"))
    assert len(articles) == 12
    assert set(Article.objects.listed().values_list("slug", flat=True)) >= {a.slug for a in articles}
    for article in articles:
        version = article.live_version
        assert version.status == ArticleVersion.Status.APPROVED
        assert verify_version(version) == []
        assert version.body_html == render_markdown(version.body)
        for index, entry in enumerate(version.faq_entries.order_by("position", "id")):
            assert entry.answer_html == render_markdown(entry.answer, anchor_prefix=faq_anchor_prefix(index))
        approval = version.reviews.get(outcome=Review.Outcome.APPROVED)
        assert approval.fingerprint == version.compute_fingerprint() == version.submitted_fingerprint
        assert 3 <= version.cause_links.count() <= 8
        assert 3 <= version.references.count() <= 8
        assert 2 <= version.faq_entries.count() <= 5
        assert version.author_links.exists()
        assert not version.author_links.filter(person=article.last_reviewed_by).exists()
        assert article.first_published_at <= article.last_reviewed_at
        assert article.next_review_due == article.compute_next_review_due()
        kinds = set(article.events.values_list("kind", flat=True))
        assert {ArticleEvent.Kind.CREATED, ArticleEvent.Kind.APPROVED, ArticleEvent.Kind.WENT_LIVE} <= kinds
        assert reader.get(article.get_absolute_url()).status_code == 200
    cause = articles[0].live_version.cause_links.first().tag
    page = reader.get(cause.get_absolute_url())
    assert page.status_code == 200
    assert articles[0].live_version.title.encode() in page.content.replace(b"&#x27;", b"'")
    assert reader.get(articles[0].topic.get_absolute_url()).status_code == 200
    assert reader.get(articles[0].last_reviewed_by.get_absolute_url()).status_code == 200
    assert reader.get("/").status_code == 200


def test_articles_are_in_the_search_index():
    generate(6, seed=5, verify_every=0)
    versions = ArticleVersion.objects.filter(article__slug__startswith="synthetic-")
    assert ensure_indexed(list(versions.values_list("pk", flat=True))) == 0  # the triggers indexed every one
    for version in versions:
        found = search_articles(version.title)
        assert version.article in [hit.article for hit in found.hits], version.title
    print(f"\nsearch found each of {versions.count()} synthetic articles by its title")


class _Rollback(Exception):
    pass


def generated_then_rolled_back(n: int, *fields: str, **options) -> list:
    """Generate n articles, read `fields` of each (by slug), and roll the whole run back."""
    try:
        with transaction.atomic():
            generate(n, **options)
            stored = list(synthetic().order_by("slug").values_list("slug", *fields))
            raise _Rollback
    except _Rollback:
        return stored


def test_a_second_run_continues_the_slugs_and_a_seed_repeats_the_content():
    def run_and_roll_back(seed):
        return generated_then_rolled_back(4, "live_version__body", seed=seed, verify_every=0)

    assert run_and_roll_back(9) == run_and_roll_back(9)
    assert run_and_roll_back(9) != run_and_roll_back(10)
    generate(3, verify_every=0)
    generate(2, verify_every=0)
    assert list(synthetic().order_by("slug").values_list("slug", flat=True)) == [
        f"synthetic-{n:06d}" for n in range(1, 6)
    ]


def test_review_dates_spread_into_overdue_and_not_yet_due():
    generate(40, seed=2, overdue=0.5, verify_every=0)
    assert Article.objects.overdue().filter(slug__startswith="synthetic-").exists()
    assert synthetic().exclude(pk__in=Article.objects.overdue()).exists()


def test_they_are_live_only_through_their_signed_off_version(reader):
    generate(2, verify_every=0)
    article = synthetic().first()
    version = article.live_version
    with pytest.raises(ImmutableVersionError):
        version.save()
    Article.objects.filter(pk=article.pk).update(live_version=None)
    assert not Article.objects.live().filter(pk=article.pk).exists()
    assert reader.get(article.get_absolute_url()).status_code == 404


def test_pages_cost_the_same_queries_as_hand_made_articles(publish, reader):
    hand_made = publish(slug="hand-made", title="Hand made")
    generate(3, verify_every=0)
    made = synthetic().first()

    def queries(path):
        reader.get(path)  # warm anything loaded once per process
        with CaptureQueriesContext(connection) as captured:
            assert reader.get(path).status_code == 200
        return len(captured)

    hand, synth = queries(hand_made.get_absolute_url()), queries(made.get_absolute_url())
    print(f"\narticle page queries: hand-made {hand}, synthetic {synth}")
    assert hand == synth
    assert queries(reverse("articles:search") + "?q=hand") == queries(
        reverse("articles:search") + "?q=" + made.live_version.title.split()[0]
    )


def test_markdown_in_cause_names_goes_through_the_real_renderer_and_sanitizer():
    """Cause names are put into the Markdown text; whatever they hold, the stored HTML is the
    real renderer's (escaped, sanitised), as if a reviewer had signed the article off."""
    group = CauseGroup.objects.create(name="Odd", slug="odd")
    odd = ["cramps *really* <b>bad</b> {}", "x_y_z {}", "a & b <script>alert({})</script>"]
    for i in range(60):  # as many as generate_content wants, so it adds none of its own
        Cause.objects.create(name=odd[i % 3].format(i), slug=f"odd-{i}", group=group)
    generate(8, seed=4, verify_every=1)
    for version in ArticleVersion.objects.filter(article__slug__startswith="synthetic-"):
        assert verify_version(version) == []
        assert version.body_html == render_markdown(version.body)
        assert "<script" not in version.body_html


def test_derivation_in_worker_processes_stores_what_one_process_stores():
    def run_and_roll_back(jobs):
        derived = ("live_version__body_html", "live_version__search_text", "live_version__toc")
        return generated_then_rolled_back(12, *derived, seed=6, batch_size=5, verify_every=1, jobs=jobs)

    assert run_and_roll_back(2) == run_and_roll_back(1)
