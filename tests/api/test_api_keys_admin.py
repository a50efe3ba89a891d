"""API keys are created, shown once, counted and revoked in the admin."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from api.models import ApiKey, ApiKeyUsage

pytestmark = pytest.mark.django_db


NO_USAGE_ROWS = {"usage-TOTAL_FORMS": 0, "usage-INITIAL_FORMS": 0}


@pytest.fixture
def admin_client(db):
    user = User.objects.create_superuser("root", "root@example.org", "pw")
    client = Client()
    client.force_login(user)
    return client


def test_a_new_key_is_shown_once_and_works(admin_client, publish):
    publish()
    response = admin_client.post(
        reverse("admin:api_apikey_add"),
        {"name": "Partner clinic", "requests_per_minute": 60, **NO_USAGE_ROWS},
        follow=True,
    )
    raw = re.search(r"spk_[\w-]{43}", response.content.decode()).group(0)
    key = ApiKey.objects.get(name="Partner clinic")
    assert key.created_by.username == "root" and raw.startswith(key.prefix)
    assert raw not in admin_client.get(reverse("admin:api_apikey_change", args=[key.pk])).content.decode()
    answer = Client().get(reverse("api:article_list"), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert answer.status_code == 200


def test_the_key_list_shows_usage_and_revoking_stops_the_key(admin_client, api_key, consumer, publish):
    publish()
    for _ in range(3):
        consumer.get(reverse("api:article_list"))
    key, _raw = api_key
    listing = admin_client.get(reverse("admin:api_apikey_changelist")).content.decode()
    assert re.search(r'<td class="field-total_requests">3</td>', listing)
    admin_client.post(
        reverse("admin:api_apikey_changelist"), {"action": "revoke", "_selected_action": [key.pk]}, follow=True
    )
    assert consumer.get(reverse("api:article_list")).status_code == 401
    assert ApiKeyUsage.objects.get(key=key).requests == 3
