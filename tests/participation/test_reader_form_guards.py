"""Every public form of readers: honeypot, signed timestamp, length limits after Unicode
normalisation, blocked words."""

import datetime
import re
import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participation import text
from participation.guard import issue
from participation.models import BlockedWord, Story

pytestmark = pytest.mark.django_db


@pytest.fixture
def share(publish, prompts):
    article = publish()
    url = reverse("participation:share_story", kwargs={"slug": article.slug, "prompt": prompts[0].slug})

    def post(**changes):
        data = {
            "display_name": "Sam",
            "text": "Cramps in my calves at night.",
            "consent": "on",
            "issued": issue("story"),
        }
        return Client().post(url, {**data, **changes})

    return post


def test_a_filled_honeypot_is_thanked_and_nothing_is_kept(share):
    response = share(website="https://bot.example")
    assert response.status_code == 303
    assert not Story.objects.exists()


def test_the_form_shows_the_honeypot_hidden_from_people(publish, prompts):
    article = publish()
    page = Client().get(reverse("participation:share_story", args=[article.slug, prompts[0].slug])).content.decode()
    assert 'class="hp" aria-hidden="true"' in page and 'tabindex="-1"' in page and 'name="issued"' in page


@pytest.mark.parametrize(
    "issued",
    ["", "forged", signing.dumps({"form": "story", "at": time.time()}, salt="another-salt"), issue("report")],
    ids=["missing", "forged", "wrong key or salt", "another form's"],
)
def test_a_post_without_a_valid_signed_timestamp_is_refused(share, issued):
    assert share(issued=issued).status_code == 400
    assert not Story.objects.exists()


def test_a_form_sent_too_fast_or_too_late_is_refused(share, settings):
    settings.SPASMINFO_FORM_MIN_SECONDS = 3
    assert share().status_code == 400  # sent the moment it was issued
    old = signing.dumps({"form": "story", "at": time.time() - 10}, salt="participation.form-issued")
    assert share(issued=old).status_code == 303
    settings.SPASMINFO_FORM_MAX_AGE = 5
    assert share(issued=old).status_code == 400
    assert Story.objects.count() == 1


def test_text_is_normalised_before_it_is_kept_and_measured(share):
    share(
        display_name="\uff33\uff41\uff4d\u200b\u202e",
        text="Cramps\u00a0\u00a0at\x07 night.\r\n\r\n\r\n\r\nThen \ufeffmore.",
    )
    story = Story.objects.get()
    assert story.display_name == "Sam"
    assert story.text == "Cramps at night.\n\nThen more."


@pytest.mark.parametrize(
    "field, value",
    [("display_name", "n" * 61), ("text", "w" * 3001), ("text", "short"), ("text", "\u200b" * 50 + "tiny")],
)
def test_lengths_are_limited_after_normalisation(share, field, value):
    assert share(**{field: value}).status_code == 400
    assert not Story.objects.exists()


def test_consent_is_required(share):
    assert share(consent="").status_code == 400
    assert not Story.objects.exists()


def test_blocked_words_are_refused_whatever_their_case_accents_or_width(share):
    BlockedWord.objects.create(word="idiot")
    for attempt in ["You IDIOT doctors", "ídiót", "\uff49\uff44\uff49\uff4f\uff54", "idi\u200bot"]:
        response = share(text=f"{attempt} never helped me with cramps.")
        assert response.status_code == 400, attempt
        assert "words we do not publish" in response.content.decode()
    assert share(text="Idiopathic cramps are common, my doctor said.").status_code == 303  # whole words only
    assert Story.objects.count() == 1


def test_normalise_keeps_ordinary_text():
    assert text.normalise("Crème brûlée, 10 km\n\nok", multiline=True) == "Crème brûlée, 10 km\n\nok"


@pytest.fixture
def readers_forms(publish, prompts):
    """Each readers' form: its address, what a reader types, and the model it stores into."""
    from participation.models import Question, Report, Subscription

    article = publish()
    return {
        "story": (
            reverse("participation:share_story", args=[article.slug, prompts[0].slug]),
            {"display_name": "Sam", "text": "Cramps in my calves at night.", "consent": "on"},
            Story,
        ),
        "report": (
            reverse("participation:report_article", args=[article.slug]),
            {"reason": "inaccurate", "text": "The dose in the table looks wrong."},
            Report,
        ),
        "question": (reverse("participation:ask"), {"text": "Can magnesium stop night cramps?"}, Question),
        "updates": (reverse("participation:updates"), {"email": "sam@example.org"}, Subscription),
    }


@pytest.mark.parametrize("form_name", ["story", "report", "question", "updates"])
def test_a_forms_signed_timestamp_works_once_and_a_second_post_keeps_what_was_typed(readers_forms, form_name):
    url, typed, model = readers_forms[form_name]
    token = issue(form_name)
    first = Client().post(url, {**typed, "issued": token})
    assert first.status_code == 303
    replays = [Client().post(url, {**typed, "issued": token}) for _ in range(4)]
    assert [r.status_code for r in replays] == [400] * 4
    assert model.objects.count() == 1
    page = replays[0].content.decode()
    assert "already sent once" in page
    for value in typed.values():
        if value != "on":
            assert value in page  # what was typed is still in the form
    fresh = re.search(r'name="issued" value="([^"]+)"', page).group(1)
    assert fresh != token
    assert Client().post(url, {**typed, "issued": fresh}).status_code == 303  # the fresh form sends it again


def test_a_form_refused_for_its_content_comes_back_with_a_fresh_timestamp_that_works(share):
    BlockedWord.objects.create(word="idiot")
    token = issue("story")
    refused = share(text="You idiot doctors never helped.", issued=token)
    assert refused.status_code == 400
    fresh = re.search(r'name="issued" value="([^"]+)"', refused.content.decode()).group(1)
    assert fresh != token
    assert share(text="My doctors helped with the cramps.", issued=fresh).status_code == 303
    assert share(text="My doctors helped with the cramps.", issued=fresh).status_code == 400  # spent
    assert Story.objects.count() == 1


def test_spent_timestamps_are_forgotten_once_they_are_too_old_to_be_accepted(share, settings):
    from participation.models import UsedFormToken

    old = signing.dumps({"form": "story", "at": time.time() - 3 * 60 * 60, "n": "x"}, salt="participation.form-issued")
    assert share(issued=old).status_code == 303
    (spent,) = UsedFormToken.objects.all()
    assert spent.expires_at <= timezone.now() + datetime.timedelta(seconds=settings.SPASMINFO_FORM_MAX_AGE)
    UsedFormToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert share().status_code == 303
    assert UsedFormToken.objects.count() == 1  # the expired one went when the next form was spent
