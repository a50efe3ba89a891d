"""Stories under prompts: nothing a reader writes reaches another
reader until a moderator approved it; approval refreshes exactly the pages that show it."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.workflow import NotAllowed
from participation import moderation
from participation.guard import issue
from participation.models import ArticlePrompt, Prompt, Story, StoryEdit
from tests.reader.test_selectors import PAGE_QUERIES as QUERY_COUNTS

pytestmark = pytest.mark.django_db


def share_url(article, prompt):
    return reverse("participation:share_story", kwargs={"slug": article.slug, "prompt": prompt.slug})


def stories_url(article, prompt):
    return reverse("participation:stories", kwargs={"slug": article.slug, "prompt": prompt.slug})


def story_data(**changes):
    data = {
        "display_name": "Sam",
        "text": "My calves cramped every night until I drank more water.",
        "email": "sam@example.org",
        "consent": "on",
        "website": "",
        "issued": issue("story"),
    }
    return {**data, **changes}


def share(client, article, prompt, **changes):
    return client.post(share_url(article, prompt), story_data(**changes))


def make_story(article, prompt, status=Story.Status.PENDING, text="A story about night cramps.", name="Alex"):
    return Story.objects.create(
        article=article,
        prompt=prompt,
        display_name=name,
        text=text,
        email="alex@example.org",
        consent=True,
        status=status,
    )


def test_an_article_shows_its_topics_prompts_with_share_and_read_links(publish, prompts, reader):
    article = publish()
    page = reader.get(article.get_absolute_url()).content.decode()
    for prompt in prompts:
        assert prompt.text in page
        assert share_url(article, prompt) in page
    assert "No stories yet" in page


def test_prompts_an_editor_chose_for_the_article_replace_the_topics_defaults(publish, prompts, reader):
    article = publish()
    own = Prompt.objects.create(text="How did you stop the cramps at night?", slug="stop-at-night")
    ArticlePrompt.objects.create(article=article, prompt=own)
    page = reader.get(article.get_absolute_url()).content.decode()
    assert own.text in page
    assert prompts[0].text not in page
    assert reader.get(stories_url(article, prompts[0])).status_code == 404


def test_a_shared_story_waits_for_a_moderator_and_the_writer_is_told(publish, prompts):
    article = publish()
    writer, other = Client(), Client()
    response = share(writer, article, prompts[0])
    assert response.status_code == 303
    thanks = writer.get(response["Location"]).content.decode()
    assert "your story will appear once a moderator has read it" in thanks
    story = Story.objects.get()
    assert story.status == Story.Status.PENDING and story.email == "sam@example.org"
    for client in (writer, other):
        assert "drank more water" not in client.get(stories_url(article, prompts[0])).content.decode()
        assert "Read 1 story" not in client.get(article.get_absolute_url()).content.decode()


def test_approval_publishes_the_story_and_counts_only_approved_stories(publish, prompts, moderator, reader):
    article = publish()
    approved = make_story(article, prompts[0], text="Approved words about cramps.")
    make_story(article, prompts[0], text="Pending words about cramps.")
    make_story(article, prompts[0], status=Story.Status.REJECTED, text="Rejected words.")
    make_story(article, prompts[0], status=Story.Status.HIDDEN, text="Hidden words.")
    assert "Read 1" not in reader.get(article.get_absolute_url()).content.decode()
    moderation.approve_stories(stories=[approved], user=moderator)
    assert "Read 1 story" in reader.get(article.get_absolute_url()).content.decode()
    page = reader.get(stories_url(article, prompts[0])).content.decode()
    assert "Approved words" in page
    assert not any(words in page for words in ("Pending words", "Rejected words", "Hidden words"))
    assert "alex@example.org" not in page


def test_stories_are_plain_text_links_and_html_stay_words(publish, prompts, moderator, reader):
    article = publish()
    story = make_story(
        article, prompts[0], text='See https://spam.example and <a href="https://x.example">this</a> <b>now</b>'
    )
    moderation.approve_stories(stories=[story], user=moderator)
    page = reader.get(stories_url(article, prompts[0])).content.decode()
    assert "https://spam.example" in page and 'href="https://spam.example' not in page
    assert "&lt;a href=" in page and "<b>now" not in page


def test_stories_are_newest_first_ten_a_page(publish, prompts, moderator, reader):
    article = publish()
    stories = [make_story(article, prompts[1], text=f"Story number {n:02d} here.") for n in range(12)]
    moderation.approve_stories(stories=stories, user=moderator)
    first = reader.get(stories_url(article, prompts[1])).content.decode()
    assert first.index("Story number 11") < first.index("Story number 02")
    assert "Story number 01" not in first and "Page 1" in first and "?page=2" in first
    assert "Story number 00" in reader.get(stories_url(article, prompts[1]) + "?page=2").content.decode()


def test_stories_under_an_article_that_is_not_live_are_404(draft_factory, prompts, reader):
    version = draft_factory(slug="not-live")
    make_story(version.article, prompts[0], status=Story.Status.APPROVED)
    assert reader.get(stories_url(version.article, prompts[0])).status_code == 404
    assert share(reader, version.article, prompts[0]).status_code == 404


# --- moderation ---------------------------------------------------------------------------------


def test_rejecting_needs_a_reason_and_takes_an_approved_story_down(publish, prompts, moderator, reader):
    article = publish()
    story = make_story(article, prompts[0], text="Soon rejected words.")
    moderation.approve_stories(stories=[story], user=moderator)
    with pytest.raises(NotAllowed):
        moderation.reject_stories(stories=[story], user=moderator, reason="  ")
    moderation.reject_stories(stories=[story], user=moderator, reason="Names a person.")
    story.refresh_from_db()
    assert story.status == Story.Status.REJECTED and story.rejection_reason == "Names a person."
    assert "Soon rejected" not in reader.get(stories_url(article, prompts[0])).content.decode()


def test_an_approved_story_is_edited_only_with_a_recorded_reason(publish, prompts, moderator):
    article = publish()
    story = make_story(article, prompts[0], text="Call me on 0123 456789 about cramps.")
    moderation.approve_stories(stories=[story], user=moderator)
    with pytest.raises(NotAllowed):
        moderation.edit_story(story=story, user=moderator, display_name="Alex", text="Edited.", reason="")
    moderation.edit_story(
        story=story, user=moderator, display_name="Alex", text="Call me about cramps.", reason="Removed a phone number."
    )
    edit = StoryEdit.objects.get()
    assert edit.user == moderator and edit.reason == "Removed a phone number."
    assert edit.before["text"].startswith("Call me on 0123") and edit.after["text"] == "Call me about cramps."


@pytest.mark.parametrize("who", ["editor", "reviewer", "nobody"])
def test_only_moderators_decide_on_stories(who, publish, prompts, editor, reviewer):
    article = publish()
    story = make_story(article, prompts[0])
    user = {"editor": editor, "reviewer": reviewer, "nobody": None}[who]
    with pytest.raises(NotAllowed):
        moderation.approve_stories(stories=[story], user=user)
    story.refresh_from_db()
    assert story.status == Story.Status.PENDING


def test_the_admin_queue_lists_stories_awaiting_moderation_oldest_first(publish, prompts, moderator):
    article = publish()
    first = make_story(article, prompts[0], text="The oldest waiting story.")
    make_story(article, prompts[0], status=Story.Status.APPROVED, text="An approved story.")
    make_story(article, prompts[0], text="The newest waiting story.")
    client = Client()
    client.force_login(moderator)
    changelist = reverse("admin:participation_story_changelist")
    response = client.get(changelist, follow=True)
    page = response.content.decode()
    assert "An approved story" not in page
    assert page.index("The oldest waiting") < page.index("The newest waiting")
    # bulk reject without a reason is refused; with one it works
    client.post(
        changelist + "?status__in=pending,hidden", {"action": "reject", "_selected_action": [first.pk], "reason": ""}
    )
    assert Story.objects.get(pk=first.pk).status == Story.Status.PENDING
    client.post(
        changelist + "?status__in=pending,hidden",
        {"action": "reject", "_selected_action": [first.pk], "reason": "Spam."},
    )
    assert Story.objects.get(pk=first.pk).status == Story.Status.REJECTED
    waiting = Story.objects.filter(status=Story.Status.PENDING)
    client.post(changelist, {"action": "approve", "_selected_action": list(waiting.values_list("pk", flat=True))})
    assert not Story.objects.filter(status=Story.Status.PENDING).exists()


def test_the_admin_refuses_an_edit_of_an_approved_story_without_a_reason(publish, prompts, moderator):
    article = publish()
    story = make_story(article, prompts[0], status=Story.Status.APPROVED, text="Original words of the story.")
    client = Client()
    client.force_login(moderator)
    url = reverse("admin:participation_story_change", args=[story.pk])
    data = {
        "display_name": "Alex",
        "text": "Changed words.",
        "edit_reason": "",
        "edits-TOTAL_FORMS": 0,
        "edits-INITIAL_FORMS": 0,
    }
    assert client.post(url, data).status_code == 200  # the form again, with the error
    assert Story.objects.get(pk=story.pk).text == "Original words of the story."
    client.post(url, {**data, "edit_reason": "Typo."})
    assert Story.objects.get(pk=story.pk).text == "Changed words."
    assert StoryEdit.objects.get().reason == "Typo."


# --- the page cache -----------------------------------------------------------------------------


def fetch(url, client=None):
    response = (client or Client()).get(url)
    assert response.status_code == 200, url
    return response.get("X-Page-Cache"), response.content.decode()


def test_posting_a_story_keeps_every_page_cached_and_approval_refreshes_exactly_its_pages(
    publish, prompts, moderator, page_cache_on, after_commit
):
    article = publish()
    other = publish(slug="other-article", title="Other article")
    pages = [article.get_absolute_url(), stories_url(article, prompts[0]), stories_url(article, prompts[1])]
    pages += [other.get_absolute_url(), stories_url(other, prompts[0])]
    for url in pages:
        assert fetch(url)[0] == "miss"
    after_commit(share, Client(), article, prompts[0])
    assert [fetch(url)[0] for url in pages] == ["hit"] * 5  # a pending story changes nothing public
    story = Story.objects.get()
    after_commit(moderation.approve_stories, stories=[story], user=moderator)
    status = {url: fetch(url) for url in pages}
    assert status[pages[0]][0] == "miss" and "Read 1 story" in status[pages[0]][1]
    assert status[pages[1]][0] == "miss" and "drank more water" in status[pages[1]][1]
    assert [status[url][0] for url in pages[2:]] == ["hit"] * 3  # pages that do not show it stay cached


def test_the_share_form_page_is_never_cached(publish, prompts, page_cache_on):
    article = publish()
    first = Client().get(share_url(article, prompts[0]))
    assert "no-cache" in first["Cache-Control"] or "max-age=0" in first["Cache-Control"]
    assert first.get("X-Page-Cache") is None


# --- query counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 50])
def test_story_pages_run_a_fixed_number_of_queries(
    size, publish, prompts, moderator, reader, django_assert_num_queries
):
    article = publish()
    for prompt in prompts:
        stories = [make_story(article, prompt, text=f"Story {n} under {prompt.slug}.") for n in range(size)]
        moderation.approve_stories(stories=stories, user=moderator)
        make_story(article, prompt, text="Still pending.")
    with django_assert_num_queries(QUERY_COUNTS["article_detail"]):  # with its prompts and counts
        page = reader.get(article.get_absolute_url()).content.decode()
    assert page.count(f"Read {size} stor") == 4
    # article, prompts (with counts), the count of approved stories, one page of them
    with django_assert_num_queries(4):
        page = reader.get(stories_url(article, prompts[0])).content.decode()
    assert page.count('class="story"') == min(size, 10)


def test_the_privacy_page_says_what_is_kept(reader):
    page = reader.get(reverse("participation:privacy")).content.decode()
    assert "Your email address is never published" in page
