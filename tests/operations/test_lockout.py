"""The admin sign-in locks out repeated failures (django-axes), in a way no one can aim at
someone else: the (username, address) pair after a few failures, an address on its own
after many failures across usernames; never a username for every address."""

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
ATTACKER = "203.0.113.7"
ELSEWHERE = "198.51.100.20"


def attempt(client: Client, username: str, password: str, address: str = ATTACKER):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


def test_repeated_failures_lock_the_username_from_that_address_even_with_the_right_password(reviewer):
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [attempt(client, "reviewer", f"wrong-{n}").status_code for n in range(limit)]
    locked = attempt(client, "reviewer", "pw")  # right password, same address
    page = locked.content.decode()
    print(f"\nlockout: {limit} failures -> statuses {statuses}; then the right password there -> {locked.status_code}")
    assert statuses[:-1] == [200] * (limit - 1)  # the form again, with an error
    assert statuses[-1] == 429
    assert locked.status_code == 429
    assert "_auth_user_id" not in locked.wsgi_request.session
    assert "Too many failed sign-in attempts" in page and "reviewer" in page
    assert "even with the correct password" in page


def test_wrong_passwords_from_one_address_never_lock_the_right_password_out_from_another(reviewer):
    """Wrong passwords lock a (username, address) pair, never the username from every address."""
    attacker = Client()
    statuses = [attempt(attacker, "reviewer", f"wrong-{n}").status_code for n in range(settings.AXES_FAILURE_LIMIT * 3)]
    response = attempt(Client(), "reviewer", "pw", address=ELSEWHERE)
    print(
        f"\nlockout aimed at someone: {len(statuses)} wrong passwords for reviewer from {ATTACKER} "
        f"(last {statuses[-1]}); the right one from {ELSEWHERE} -> {response.status_code}"
    )
    assert statuses[-1] == 429  # the attacker is locked out
    assert signed_in(response)
    assert response.url == "/admin/"


def test_failures_across_usernames_lock_out_the_address_on_its_own(editor, second_editor):
    client = Client()
    limit = settings.AXES_ADDRESS_FAILURE_LIMIT
    per_name = settings.AXES_FAILURE_LIMIT - 1  # each pair stays under its own limit
    names = [f"guess-{n}" for n in range(-(-limit // per_name))]
    statuses = [attempt(client, name, f"wrong-{n}").status_code for name in names for n in range(per_name)]
    response = attempt(client, "second_editor", "pw")
    print(
        f"\nlockout by address: {len(statuses)} failures over {len(names)} usernames "
        f"(limit {limit}) -> second_editor's right password from there: {response.status_code}"
    )
    assert 429 not in statuses[: limit - 1]
    assert response.status_code == 429
    assert signed_in(attempt(Client(), "second_editor", "pw", address=ELSEWHERE))  # elsewhere: fine


def test_failures_below_both_limits_do_not_lock_anyone_out(editor):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "editor", f"wrong-{n}").status_code == 200
    for n in range(min(settings.AXES_ADDRESS_FAILURE_LIMIT - settings.AXES_FAILURE_LIMIT, 10)):
        assert attempt(client, f"guess-{n}", "wrong").status_code == 200
    response = attempt(client, "editor", "pw")
    assert signed_in(response) and response.url == "/admin/"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_a_rejected_next_after_sign_in_lands_on_the_admin_index(editor, next_url):
    """An unsafe ?next= is dropped for the admin index, not /accounts/profile/ (a 404)."""
    client = Client()
    response = client.post(f"/admin/login/?next={next_url}", {"username": "editor", "password": "pw", "next": next_url})
    print(f"\nsign-in with next={next_url!r} -> {response.status_code} {response.get('Location')}")
    assert signed_in(response)
    assert response.url == "/admin/"
    assert client.get(response.url).status_code == 200
