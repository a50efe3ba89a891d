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


DISGUISES = [
    "\u0456d\u0456ot",  # Cyrillic i
    "idi\u043et",  # Cyrillic o
    "\u0406D\u0406\u041e\u0422",  # Cyrillic capitals I, O, Te
    "\u03b9d\u03b9\u03bft",  # Greek iota and omicron
    "\u0399DIOT",  # Greek capital iota
    "\u0269d\u0269ot",  # Latin iota
    "\u0131d\u0131ot",  # dotless i
    "\U0001d422\U0001d41d\U0001d422\U0001d428\U0001d42d",  # mathematical bold
    "\u2170diot",  # small Roman numeral one
    "i d i o t",
    "i.d.i.o.t",
    "i. d. i. o. t",
    "i-d-i-o-t",
    "i_d_i_o_t",
    "i*d*i*o*t",
    "i\u00b7d\u00b7i\u00b7o\u00b7t",  # middle dots
    "id-iot",
    "idi.ot",
    "1d10t",
    "idi0t",
    "!d!0t",
    "|d|ot",
    "i d 1 0 t",
    "\u0456.d.\u0456.0.t",  # look-alikes, dots and digits at once
]


@pytest.mark.parametrize("disguise", DISGUISES)
def test_a_blocked_word_is_found_through_look_alikes_spacing_punctuation_and_digits(share, disguise):
    BlockedWord.objects.create(word="idiot")
    response = share(text=f"Those {disguise} doctors never helped with my cramps.")
    assert response.status_code == 400, disguise
    assert "words we do not publish" in response.content.decode()
    assert not Story.objects.exists()


@pytest.mark.parametrize(
    "ordinary",
    [
        "Idiopathic cramps are common, my doctor said.",
        "I did it every night, and I do it still.",
        "The idiom says a b c: rest, stretch, drink.",
        "I walk 10000 steps and drink 2 l of water.",
        "Stretching helped, 100%! Really!",
    ],
)
def test_ordinary_text_near_a_blocked_word_still_passes(share, ordinary):
    BlockedWord.objects.create(word="idiot")
    BlockedWord.objects.create(word="hell")
    assert share(text=ordinary).status_code == 303


def test_blocked_phrases_and_words_with_punctuation_are_found_however_spaced(share):
    BlockedWord.objects.create(word="cramp cure")
    BlockedWord.objects.create(word="f-bomb")
    for attempt in ["the CR\u0410MP cure works", "a cr4mp.cure for all", "dropped an f bomb", "dropped an fbomb"]:
        assert share(text=f"Here is {attempt}, trust me.").status_code == 400, attempt
    assert share(text="No cure for my cramp, sadly.").status_code == 303


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
