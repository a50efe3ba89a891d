"""One-time secrets (a new API key, an expert preview address, a calendar feed address) are shown
once on the next admin page and never travel in a cookie."""

import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shown_once_never_in_a_cookie(client, response, pattern: str, next_page: str) -> str:
    """The POST's answer sets no messages cookie and no cookie holds the secret; the next page shows it,
    the one after does not."""
    assert response.status_code == 302
    assert "messages" not in response.cookies and "messages" not in client.cookies
    page = client.get(response["Location"]).content.decode()
    secret = re.search(pattern, page).group(0)
    assert all(secret not in morsel.value for morsel in [*response.cookies.values(), *client.cookies.values()])
    assert secret not in client.get(next_page).content.decode()
    return secret


def test_a_new_api_key_is_shown_once_and_never_put_in_a_cookie(db):
    from api.models import ApiKey

    client = signed_in(User.objects.create_superuser("root", "root@example.org", "pw"))
    response = client.post(
        reverse("admin:api_apikey_add"),
        {"name": "Partner clinic", "requests_per_minute": 60, "usage-TOTAL_FORMS": 0, "usage-INITIAL_FORMS": 0},
    )
    raw = shown_once_never_in_a_cookie(client, response, r"spk_[\w-]{43}", reverse("admin:api_apikey_changelist"))
    assert raw.startswith(ApiKey.objects.get().prefix)


def test_a_new_preview_address_is_shown_once_and_never_put_in_a_cookie(draft_factory, editor):
    from previews.models import PreviewLink

    draft = draft_factory()
    client = signed_in(editor)
    response = client.post(
        reverse("admin:previews_previewlink_add"),
        {
            "version": draft.pk,
            "recipient": "Dr Okafor",
            "days": 7,
            "comments-TOTAL_FORMS": 0,
            "comments-INITIAL_FORMS": 0,
        },
    )
    address = shown_once_never_in_a_cookie(
        client, response, r"https?://[^\s<\"]*/preview/[^\s<\"]+/", reverse("admin:previews_previewlink_changelist")
    )
    assert address.endswith(PreviewLink.objects.get().get_absolute_url())


def test_a_new_calendar_address_is_shown_once_and_never_put_in_a_cookie(reviewer):
    client = signed_in(reviewer)
    response = client.post(reverse("admin:reviewcalendar_feed"))
    address = shown_once_never_in_a_cookie(client, response, r"https?://[^\s<\"]*\.ics", reverse("admin:index"))
    assert Client().get(address).status_code == 200


@pytest.mark.parametrize(
    "setting, value",
    [
        ("MESSAGE_STORAGE", "django.contrib.messages.storage.fallback.FallbackStorage"),
        ("MESSAGE_STORAGE", "django.contrib.messages.storage.cookie.CookieStorage"),
        ("SESSION_ENGINE", "django.contrib.sessions.backends.signed_cookies"),
    ],
)
def test_settings_that_would_put_messages_in_a_cookie_stop_start_up(settings, setting, value):
    call_command("check")
    setattr(settings, setting, value)
    with pytest.raises(SystemCheckError, match="one-time secrets"):
        call_command("check")
