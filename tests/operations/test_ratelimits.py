"""Per-address rate limits (`operations.ratelimits`): the budget is the address's, whichever form spends it."""

from django.test import Client
from django.urls import reverse

from participation.guard import issue


def test_one_address_has_one_budget_for_every_readers_form(publish, settings):
    settings.SPASMINFO_READER_POST_RATE = "2/m"
    article = publish()
    reader = Client(REMOTE_ADDR="203.0.113.7")
    report = reverse("participation:report_article", args=[article.slug])

    def report_it(client):
        return client.post(report, {"reason": "inaccurate", "text": "A typo.", "issued": issue("report")})

    def ask(client):
        data = {"text": "Can magnesium stop night cramps?", "email": "q@example.org", "issued": issue("question")}
        return client.post(reverse("participation:ask"), data)

    first = report_it(reader)
    assert first.status_code == 303, first.content.decode()[-1500:]
    assert ask(reader).status_code == 303
    assert report_it(reader).status_code == 429  # the third post, through either form
    assert ask(reader).status_code == 429
    assert report_it(Client(REMOTE_ADDR="203.0.113.8")).status_code == 303
