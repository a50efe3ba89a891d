"""Every public form of readers: honeypot, signed timestamp, length limits after Unicode
normalisation, blocked words."""

import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

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
