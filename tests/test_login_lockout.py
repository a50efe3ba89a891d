"""The admin sign-in locks an account, or an address, out after repeated failures (django-axes)."""

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


def attempt(client: Client, username: str, password: str, address: str = "203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_repeated_failures_lock_the_account_and_then_refuse_the_right_password(editor):
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [attempt(client, "editor", f"wrong-{n}").status_code for n in range(limit)]
    locked = attempt(Client(), "editor", "pw", address="198.51.100.20")  # right password, another address
    page = locked.content.decode()
    print(f"\nlockout: {limit} failures -> statuses {statuses}; then the right password -> {locked.status_code}")
    assert statuses[:-1] == [200] * (limit - 1)  # the form again, with an error
    assert statuses[-1] == 429
    assert locked.status_code == 429
    assert "_auth_user_id" not in locked.wsgi_request.session
    assert "Too many failed sign-in attempts" in page and "editor" in page
    assert "even with the correct password" in page


def test_repeated_failures_from_one_address_lock_out_that_address_for_every_account(editor, second_editor):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"guess-{n}", "password")
    response = attempt(client, "second_editor", "pw")
    print(f"\nlockout by address: {settings.AXES_FAILURE_LIMIT} failures on other names -> {response.status_code}")
    assert response.status_code == 429
    assert attempt(Client(), "second_editor", "pw", address="198.51.100.30").status_code == 302  # elsewhere: fine


def test_failures_below_the_limit_do_not_lock_anyone_out(editor):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "editor", f"wrong-{n}").status_code == 200
    response = attempt(client, "editor", "pw")
    assert response.status_code == 302 and response.url == "/admin/"
