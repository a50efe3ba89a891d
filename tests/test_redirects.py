"""A published article's earlier addresses answer 301 to where it lives now."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from articles.models import Article, ArticleRedirect


def rename(article: Article, slug: str) -> Article:
    article = Article.objects.get(pk=article.pk)
    article.slug = slug
    article.full_clean()
    article.save()
    return article


def test_changing_a_live_articles_slug_keeps_the_old_address_as_a_301(publish, reader):
    article = publish(slug="night-cramps")
    rename(article, "nocturnal-leg-cramps")

    response = reader.get("/articles/night-cramps/?utm_source=x")

    assert response.status_code == 301
    assert response["Location"] == "/articles/nocturnal-leg-cramps/?utm_source=x"
    assert reader.get("/articles/nocturnal-leg-cramps/").status_code == 200


def test_every_earlier_slug_goes_straight_to_the_current_one(publish, reader):
    article = publish(slug="a")
    rename(article, "b")
    rename(article, "c")

    for old in ("a", "b"):
        response = reader.get(f"/articles/{old}/")
        assert (response.status_code, response["Location"]) == (301, "/articles/c/")  # one hop, no chain


def test_taking_back_an_earlier_slug_stops_its_redirect(publish, reader):
    article = publish(slug="a")
    rename(article, "b")
    rename(article, "a")

    assert reader.get("/articles/a/").status_code == 200
    assert reader.get("/articles/b/")["Location"] == "/articles/a/"
    assert list(ArticleRedirect.objects.values_list("old_slug", flat=True)) == ["b"]


def test_renaming_an_unpublished_draft_leaves_no_redirect(draft_factory):
    article = draft_factory(slug="draft-one").article
    rename(article, "draft-two")

    assert not ArticleRedirect.objects.exists()


def test_a_redirect_to_an_article_no_longer_live_is_a_404(publish, reader):
    article = publish(slug="a")
    rename(article, "b")
    Article.objects.filter(pk=article.pk).update(live_version=None)

    assert reader.get("/articles/a/").status_code == 404


def test_an_unknown_address_is_still_a_404(reader, db):
    assert reader.get("/articles/never-existed/").status_code == 404


def test_an_article_cannot_take_a_slug_that_redirects_to_another(publish):
    first = publish(slug="a")
    rename(first, "b")  # /articles/a/ now redirects to "b"
    second = publish(slug="other", title="Other")

    second.slug = "a"
    with pytest.raises(Exception) as refused:
        second.full_clean()
    assert "earlier address of" in str(refused.value)


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(User.objects.get(pk=editor.pk))
    return client


def add_redirect(client, **data):
    return client.post(reverse("admin:articles_articleredirect_add"), data)


def test_an_editor_adds_and_removes_a_redirect_in_the_admin(publish, editor_client, reader):
    article = publish(slug="night-cramps")

    response = add_redirect(editor_client, old_slug="leg-cramps-at-night", article=article.pk)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert reader.get("/articles/leg-cramps-at-night/")["Location"] == "/articles/night-cramps/"

    redirect = ArticleRedirect.objects.get()
    assert redirect.created_by.username == "editor"
    response = editor_client.post(reverse("admin:articles_articleredirect_delete", args=[redirect.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert reader.get("/articles/leg-cramps-at-night/").status_code == 404


def test_a_redirect_that_would_loop_is_refused_with_a_form_error(publish, editor_client):
    article = publish(slug="night-cramps")

    response = add_redirect(editor_client, old_slug="night-cramps", article=article.pk)

    assert response.status_code == 200
    assert "would redirect to itself" in response.content.decode()
    assert not ArticleRedirect.objects.exists()


def test_a_redirect_that_would_shadow_a_live_page_is_refused_with_a_form_error(publish, editor_client, reader):
    publish(slug="night-cramps")
    other = publish(slug="heat-cramps", title="Heat cramps")

    response = add_redirect(editor_client, old_slug="night-cramps", article=other.pk)

    assert response.status_code == 200
    assert "a redirect there would hide that page" in response.content.decode()
    assert not ArticleRedirect.objects.exists()
    assert reader.get("/articles/night-cramps/").status_code == 200


def test_changing_the_slug_in_the_admin_keeps_the_old_address(publish, editor_client, reader):
    article = publish(slug="night-cramps")
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    form = editor_client.get(change_url).context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in ((n, form[n].value()) for n in form.fields)
        if not isinstance(value, list)
    }
    data.update(
        {
            "slug": "nocturnal-leg-cramps",
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
        }
    )

    response = editor_client.post(change_url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert reader.get("/articles/night-cramps/")["Location"] == "/articles/nocturnal-leg-cramps/"
