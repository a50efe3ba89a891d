import pytest
from django.test import Client
from django.urls import reverse

from desk import writing
from images.models import Image
from tests.security.hostile_inputs import corpus


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def picture(db):
    return Image.objects.create(
        key="calf-stretch", file="x.png", sha256="0" * 64, width=8, height=8, format="PNG", alt_text="A calf stretch"
    )


def test_the_preview_is_the_readers_rendering_with_citations_numbered_and_pictures_placed(library_source, picture):
    html = writing.preview_html("## Why\n\nCramps [@miller2005].\n\n![[image:calf-stretch]]\n\n![[image:nowhere]]")
    assert '<h2 id="why">Why</h2>' in html
    assert 'href="#ref-1" class="citation-link"' in html
    assert 'alt="A calf stretch"' in html
    assert "“nowhere” is not in the image library" in html


def test_the_preview_endpoint_sanitises_what_it_renders(editor):
    response = client_for(editor).post(
        reverse("admin:desk_preview"), {"text": "<script>alert(1)</script>[x](javascript:alert(2)) <b>ok</b>"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "<script" not in html and "javascript:" not in html and "<b>ok</b>" in html


def test_only_editors_get_the_preview_and_the_choosers(reviewer):
    client = client_for(reviewer)
    assert client.post(reverse("admin:desk_preview"), {"text": "x"}).status_code == 403
    assert client.get(reverse("admin:desk_choose_sources")).status_code == 403
    assert Client().get(reverse("admin:desk_choose_images")).status_code == 302  # to the sign-in page


@pytest.mark.parametrize("query", ["miller", "Layzer", "muscle CRAMPS", "10.1002/mus"])
def test_the_source_chooser_finds_by_key_author_title_or_doi(library_source, second_source, query):
    assert [found["insert"] for found in writing.search_sources(query)] == ["[@miller2005]"]


def test_the_picture_chooser_finds_by_key_or_description_and_inserts_the_reference(picture):
    assert writing.search_images("stretch")[0]["insert"] == "![[image:calf-stretch]]"
    assert writing.search_images("A CALF")[0]["key"] == "calf-stretch"
    assert writing.search_images("elbow") == []


def test_hostile_searches_and_hostile_library_entries_come_back_as_json_text(editor, library_source):
    library_source.title = corpus()[0][1]
    library_source.save()
    client = client_for(editor)
    for _, payload in corpus():
        for name in ("admin:desk_choose_sources", "admin:desk_choose_images"):
            response = client.get(reverse(name), {"q": payload})
            assert response.status_code == 200 and response["Content-Type"] == "application/json"
            response.json()
    found = client.get(reverse("admin:desk_choose_sources"), {"q": "miller"}).json()["results"]
    assert found[0]["label"].startswith("Miller TM, Layzer RB · <script>")  # text for textContent, never markup
