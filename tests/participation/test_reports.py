""" "Report this": on every story and for every article page; enough reports
hide a story until a moderator decides; reports on an article reach the reviewers' queue."""

import pytest
from django.test import Client
from django.urls import reverse

from articles import queues
from articles.workflow import NotAllowed
from participation import moderation, reports
from participation.guard import issue
from participation.models import Report, Story

pytestmark = pytest.mark.django_db


def report_data(**changes):
    return {"reason": "inaccurate", "text": "The dose in the table looks wrong.", "issued": issue("report"), **changes}


def approved_story(article, prompt, moderator, text="Magnesium helped my night cramps."):
    story = Story.objects.create(article=article, prompt=prompt, display_name="Alex", text=text, consent=True)
    moderation.approve_stories(stories=[story], user=moderator)
    story.refresh_from_db()
    return story


def test_an_article_page_links_to_report_a_problem_and_the_report_reaches_the_reviewers_queue(
    publish, reviewer, reader
):
    article = publish()
    page = reader.get(article.get_absolute_url()).content.decode()
    url = reverse("participation:report_article", args=[article.slug])
    assert url in page and "Report a problem with this page" in page
    form = reader.get(url).content.decode()
    for label in ("Inaccurate", "Out of date", "Broken link", "Offensive", "Other"):
        assert label in form
    response = reader.post(url, report_data())
    assert response.status_code == 303
    assert "Someone will look at your report" in reader.get(response["Location"]).content.decode()
    report = Report.objects.get()
    assert report.article == article and report.reason == "inaccurate"
    assert list(queues.reported_by_readers()) == [article]
    client = Client()
    client.force_login(reviewer)
    dashboard = client.get(reverse("admin:index")).content.decode()
    assert "Reported by readers (1)" in dashboard
    assert reverse("admin:articles_article_rereview", args=[article.pk]) in dashboard


def test_closing_an_article_report_takes_it_out_of_the_queue(publish, reviewer, moderator):
    article = publish()
    report = reports.report_article(article=article, reason="out_of_date")
    with pytest.raises(NotAllowed):
        reports.close_reports(reports=[report], user=moderator)  # moderators do not judge articles
    assert reports.close_reports(reports=[report], user=reviewer) == 1
    assert not queues.reported_by_readers().exists()


def test_every_approved_story_has_report_this(publish, prompts, moderator, reader):
    article = publish()
    story = approved_story(article, prompts[0], moderator)
    page = reader.get(story.get_absolute_url()).content.decode()
    assert reverse("participation:report_story", args=[story.pk]) in page
    response = reader.post(reverse("participation:report_story", args=[story.pk]), report_data(reason="offensive"))
    assert response.status_code == 303
    assert Report.objects.get().story == story


def test_enough_reports_hide_a_story_until_a_moderator_decides(publish, prompts, moderator, reader, settings):
    settings.SPASMINFO_REPORTS_TO_HIDE = 3
    article = publish()
    story = approved_story(article, prompts[0], moderator)
    url = reverse("participation:report_story", args=[story.pk])
    for address in ("198.51.100.1", "198.51.100.2"):
        Client(REMOTE_ADDR=address).post(url, report_data(reason="offensive"))
    assert "Magnesium helped" in reader.get(story.get_absolute_url()).content.decode()
    Client(REMOTE_ADDR="203.0.113.9").post(url, report_data(reason="offensive"))
    story.refresh_from_db()
    assert story.status == Story.Status.HIDDEN
    assert "Magnesium helped" not in reader.get(story.get_absolute_url()).content.decode()
    assert "Read 1 story" not in reader.get(article.get_absolute_url()).content.decode()
    assert Client().get(url).status_code == 404  # a hidden story takes no more reports
    assert story in Story.objects.awaiting_moderation()
    moderation.approve_stories(stories=[story], user=moderator)  # the moderator finds it fine
    assert "Magnesium helped" in reader.get(story.get_absolute_url()).content.decode()
    assert not Report.objects.open().exists()  # the decision dealt with the reports


@pytest.mark.parametrize(
    "addresses, readers",
    [
        (["198.51.100.7"] * 5, 1),  # one browser, or new cookies and browsers from one address
        (["2001:db8:1:2::1", "2001:db8:1:2::ffff", "2001:db8:1:2:abcd::9"], 1),  # one IPv6 /64 network
        (["198.51.100.7", "198.51.100.7", "2001:db8:1:2::1", "2001:db8:1:2::2"], 2),
    ],
)
def test_reports_from_fewer_readers_than_the_threshold_never_hide_a_story(
    publish, prompts, moderator, reader, settings, addresses, readers
):
    settings.SPASMINFO_REPORTS_TO_HIDE = 3
    story = approved_story(publish(), prompts[0], moderator)
    url = reverse("participation:report_story", args=[story.pk])
    for address in addresses:
        client = Client(REMOTE_ADDR=address)  # a fresh client: no cookie links the reports
        assert client.post(url, report_data(reason="offensive")).status_code == 303
    story.refresh_from_db()
    assert story.status == Story.Status.APPROVED
    assert Report.objects.filter(story=story).count() == len(addresses)  # every report reaches the moderators
    assert "Magnesium helped" in reader.get(story.get_absolute_url()).content.decode()
    Client(REMOTE_ADDR="203.0.113.50").post(url, report_data(reason="offensive"))
    story.refresh_from_db()
    assert (story.status == Story.Status.HIDDEN) == (readers + 1 >= 3)  # one more reader: hidden at three


def test_a_report_keeps_a_keyed_hash_of_the_address_never_the_address(publish, prompts, moderator):
    story = approved_story(publish(), prompts[0], moderator)
    Client(REMOTE_ADDR="198.51.100.77").post(
        reverse("participation:report_story", args=[story.pk]), report_data(reason="offensive")
    )
    (report,) = Report.objects.all()
    assert len(report.reporter) == 64 and "198.51.100.77" not in report.reporter
    assert report.reporter != Report.objects.model().reporter


def test_stories_that_are_not_public_cannot_be_reported(publish, prompts, reader):
    article = publish()
    for status in (Story.Status.PENDING, Story.Status.REJECTED, Story.Status.HIDDEN):
        story = Story.objects.create(
            article=article, prompt=prompts[0], display_name="A", text="Secret words.", consent=True, status=status
        )
        url = reverse("participation:report_story", args=[story.pk])
        assert reader.get(url).status_code == 404
        assert reader.post(url, report_data()).status_code == 404
    assert not Report.objects.exists()


def test_report_forms_are_guarded_and_validated(publish, reader):
    article = publish()
    url = reverse("participation:report_article", args=[article.slug])
    assert reader.post(url, report_data(website="x")).status_code == 303  # honeypot: thanked, dropped
    assert reader.post(url, report_data(issued="forged")).status_code == 400
    assert reader.post(url, report_data(reason="lawsuit")).status_code == 400
    assert reader.post(url, report_data(text="x" * 1001)).status_code == 400
    assert not Report.objects.exists()


def test_the_moderators_dashboard_counts_waiting_stories_and_story_reports(publish, prompts, moderator):
    article = publish()
    story = approved_story(article, prompts[0], moderator)
    Story.objects.create(article=article, prompt=prompts[0], display_name="B", text="Waiting story.", consent=True)
    reports.report_story(story=story, reason="offensive")
    client = Client()
    client.force_login(moderator)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Awaiting moderation (1)" in page and "Open reports on stories (1)" in page
    reports_page = client.get(reverse("admin:participation_report_changelist")).content.decode()
    assert "story by Alex" in reports_page
