"""What the site answers at its fixed addresses, and how it sends every answer."""

import gzip

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_the_favicon_is_served_where_browsers_ask_and_linked_from_every_page(reader):
    icon = reader.get("/favicon.ico")
    assert icon.status_code == 200 and icon["Content-Type"] == "image/vnd.microsoft.icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert 'rel="icon"' in reader.get("/").content.decode()


def pages(article):
    return ["/", article.get_absolute_url(), "/feed/", "/sitemap.xml", "/causes/"]


@pytest.mark.parametrize("page_cache", [False, True])
def test_pages_are_compressed_for_clients_that_ask_and_still_revalidate(publish, page_cache):
    article = publish()
    with override_settings(SPASMINFO_PAGE_CACHE=page_cache):
        client = Client()
        for url in pages(article):
            plain = client.get(url)
            packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
            assert plain.status_code == packed.status_code == 200, url
            assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"], url
            assert gzip.decompress(packed.content) == plain.content, url
            assert len(packed.content) < len(plain.content), url
            again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"])
            assert again.status_code == 304, url
