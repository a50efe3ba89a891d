"""A real Varnish (deploy/varnish/default.vcl, with xkey) in front of a real test server:
it serves hits, the site's purges reach it at the next request after each workflow step,
and signed-in readers and POSTs pass through."""

import datetime
import os
import re
import shutil
import socket
import subprocess
import time
from http.client import HTTPConnection

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse

from articles import services
from articles.models import Article

VCL = django_settings.BASE_DIR / "deploy" / "varnish" / "default.vcl"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def varnish(live_server, tmp_path, settings):
    """varnishd on a free port of 127.0.0.1, in front of live_server, purged by the site."""
    if not shutil.which("varnishd"):
        if os.environ.get("REQUIRE_VARNISH") == "1":
            pytest.fail("varnishd is not installed (apt-get install varnish varnish-modules)")
        pytest.skip("varnishd is not installed (apt-get install varnish varnish-modules)")
    backend_port = live_server.url.rsplit(":", 1)[1]
    vcl = tmp_path / "default.vcl"
    vcl.write_text(re.sub(r'\.port = "\d+";', f'.port = "{backend_port}";', VCL.read_text(), count=1))
    port = free_port()
    command = ["varnishd", "-F", "-j", "none", "-a", f"127.0.0.1:{port}", "-f", str(vcl), "-n", str(tmp_path / "n")]
    process = subprocess.Popen(
        [*command, "-s", "malloc,32m"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"varnishd did not start: {process.stdout.read().decode()[-2000:]}") from None
                time.sleep(0.05)
        settings.SPASMINFO_CACHE_PURGE_URLS = [f"http://127.0.0.1:{port}/"]
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def through(port: int, path: str, method: str = "GET", headers=None, body=None):
    connection = HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    content = response.read().decode()
    connection.close()
    return response, content


@pytest.mark.django_db(transaction=True)
def test_varnish_serves_hits_and_every_change_is_purged_before_the_next_request(
    editorial_groups, varnish, settings, publish, editor, submit, approve, reviewer, client
):
    settings.SPASMINFO_PAGE_CACHE = True
    cache.clear()
    started = time.monotonic()
    article = publish()
    other = publish(slug="leg-cramps", title="Leg cramps")
    url, other_url, home = article.get_absolute_url(), other.get_absolute_url(), reverse("articles:home")

    for path in (url, other_url, home):
        first, _ = through(varnish, path)
        assert first.getheader("X-Cache") == "MISS"
        again, _ = through(varnish, path + "?utm_source=mail")  # tracking tags share the page
        assert again.getheader("X-Cache") == "HIT" and again.getheader("Age") is not None, path
        assert again.getheader("Surrogate-Key") is None  # for Varnish only

    # A sign-off: the new title is there at the next request, on the article and the home page.
    draft = services.start_draft(article=article, user=editor)
    draft.title = "Night cramps, revised"
    draft.save()
    approve(submit(draft))
    for path in (url, home):
        response, content = through(varnish, path)
        assert response.getheader("X-Cache") == "MISS" and "Night cramps, revised" in content, path

    # A re-review (on a later day): the new review date.
    with time_machine.travel(datetime.datetime(2027, 3, 1, 10, tzinfo=datetime.UTC), tick=True):
        assert "1 March 2027" not in through(varnish, url)[1]  # without a purge, Varnish keeps the page
        article.refresh_from_db()
        services.re_review_live_version(
            article=article,
            reviewer=reviewer.person,
            seen_fingerprint=article.live_version.compute_fingerprint(),
            user=reviewer,
        )
        assert "1 March 2027" in through(varnish, url)[1]

    # An archive: the notice on the article, gone from the home page.
    through(varnish, home)
    services.archive_article(article=Article.objects.get(pk=article.pk), user=editor)
    assert "archived on" in through(varnish, url)[1]
    assert url not in through(varnish, home)[1]

    # A vote, POSTed through Varnish (passed) with the token the page's script fetches:
    # exactly the voted article's page is purged.
    for path in (other_url, home):
        through(varnish, path)
    token_response, token_body = through(varnish, reverse("articles:csrf_token"))
    assert token_response.getheader("X-Cache") == "MISS"
    csrf_cookie = re.search(r"csrftoken=([^;]+)", token_response.getheader("Set-Cookie")).group(1)
    token = re.search(r'"token": "([^"]+)"', token_body).group(1)
    vote, _ = through(
        varnish,
        reverse("articles:helpful_vote", args=[other.slug]),
        method="POST",
        body=f"helpful=yes&csrfmiddlewaretoken={token}",
        headers={
            "Cookie": f"csrftoken={csrf_cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"http://127.0.0.1:{varnish}",
            "Referer": f"http://127.0.0.1:{varnish}{other_url}",
        },
    )
    assert vote.status == 303
    response, content = through(varnish, other_url)
    assert response.getheader("X-Cache") == "MISS" and "1 of 1 found this helpful" in content
    assert through(varnish, home)[0].getheader("X-Cache") == "HIT"  # a vote purges only its article

    # Signed in: always passed to the site, never served from or into the cache.
    client.force_login(editor)
    session = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"}
    for _ in range(2):
        response, _ = through(varnish, other_url, headers=session)
        assert response.getheader("X-Cache") == "MISS" and "private" in response.getheader("Cache-Control")
    print(f"\nVarnish in front of the test server: every check in {time.monotonic() - started:.1f} s")


@pytest.mark.django_db
def test_a_proxy_that_is_down_never_fails_the_workflow_step_it_is_logged(
    settings, publish, editor, django_capture_on_commit_callbacks, caplog
):
    settings.SPASMINFO_CACHE_PURGE_URLS = [f"http://127.0.0.1:{free_port()}/"]  # nothing listens there
    article = publish()
    with django_capture_on_commit_callbacks(execute=True):
        services.archive_article(article=article, user=editor)
    assert Article.objects.get(pk=article.pk).archived_at is not None
    assert any("Purging content at http://127.0.0.1" in record.getMessage() for record in caplog.records)
