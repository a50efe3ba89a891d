from django.test import Client
from django.urls import reverse

from articles.models import Article, ArticleVersion
from desk.copying import copy_article


def test_copy_article_starts_a_new_article_from_a_version_and_leaves_the_original_alone(publish, editor):
    article = publish(slug="night-cramps", body="Cramps at night are common [@1].")
    live = article.live_version
    draft = copy_article(version=live, user=editor)

    assert draft.article.slug == "night-cramps-copy" and draft.number == 1
    assert draft.status == ArticleVersion.Status.DRAFT and draft.article.live_version is None
    assert (draft.title, draft.body) == ("Night cramps (copy)", live.body)
    assert list(draft.author_links.values_list("person_id", flat=True)) == list(
        live.author_links.values_list("person_id", flat=True)
    )
    assert draft.cause_links.count() == live.cause_links.count() == 1
    assert [r.title for r in draft.references.all()] == [r.title for r in live.references.all()]
    assert Article.objects.get(pk=article.pk).live_version_id == live.pk

    assert copy_article(version=live, user=editor).article.slug == "night-cramps-copy-2"


def test_copy_article_from_the_version_page(publish, editor, reviewer):
    live = publish().live_version
    client = Client()
    client.force_login(editor)
    page = client.get(reverse("admin:articles_articleversion_change", args=[live.pk])).content.decode()
    assert "Copy article" in page
    response = client.post(reverse("admin:articles_articleversion_copy", args=[live.pk]))
    copy = Article.objects.get(slug="night-cramps-copy").versions.get()
    assert response["Location"] == reverse("admin:articles_articleversion_change", args=[copy.pk])

    client.force_login(reviewer)  # reviewers do not create articles
    assert client.post(reverse("admin:articles_articleversion_copy", args=[live.pk])).status_code == 403
