"""Open review comments reach the editors' inbox, clinical ones first, until resolved."""

from django.test import Client
from django.urls import reverse

from comments import services


def inbox_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("admin:index")).content.decode()


def test_an_open_clinical_comment_is_in_the_editors_inbox_until_resolved(draft_factory, submit, reviewer, editor):
    version = submit(draft_factory(body="Cramps at night are common [@1]. Quinine helps everyone."))
    comment = services.add_comment(
        version=version, user=reviewer, quote="Quinine helps everyone.", text="Not advised.", clinical=True
    )
    page = inbox_of(editor)
    assert "Open review comments on your versions (1)" in page
    assert "clinical, holds the sign-off" in page and "Quinine helps everyone." in page
    services.resolve(comment=comment, user=editor)
    assert "Open review comments on your versions (0)" in inbox_of(editor)
