"""`check_references` checks the live articles' reference URLs against a local HTTP server only.

The server on 127.0.0.1 answers 200, 301 (to the 200), 404, and too slowly (a timeout); a
closed port gives "connection refused". A guard on socket.create_connection fails any test
that tries to reach another host.
"""

import contextlib
import http.server
import io
import socket
import threading
import time

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles import services, workflow
from articles.citing import live_reference_urls
from articles.models import Article, Reference
from articles.queues import due_soon_for, overdue_for
from references.linkcheck import check_urls, cited_urls, link_report
from references.models import LinkCheck

SLOW_SECONDS = 2.0
TIMEOUT = 0.5


class Handler(http.server.BaseHTTPRequestHandler):
    active = 0
    most_active = 0
    requests: list[str] = []
    lock = threading.Lock()

    def do_GET(self):
        cls = type(self)
        with cls.lock:
            cls.requests.append(self.path)
            cls.active += 1
            cls.most_active = max(cls.most_active, cls.active)
        try:
            status, location = self._decide()
        finally:
            # Leave the count before answering: the checker frees its per-host slot as soon as it
            # has the answer's headers, so a request still counted while its answer is written
            # would overlap the next one in the count though never on the wire.
            with cls.lock:
                cls.active -= 1
        self._answer(status, location)

    def _decide(self) -> tuple[int, str]:
        if self.path.startswith("/ok"):
            return 200, ""
        if self.path == "/moved":
            return 301, "/ok-new-home"
        if self.path == "/missing":
            return 404, ""
        if self.path == "/slow":
            time.sleep(SLOW_SECONDS)
            return 200, ""
        if self.path.startswith("/busy"):
            time.sleep(0.2)
            return 200, ""
        return 404, ""

    def _answer(self, status: int, location: str) -> None:
        body = b"" if location else b"<p>hello</p>"
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the checker gave up on a slow answer
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(autouse=True)
def only_this_machine(monkeypatch):
    """Any connection to a host other than 127.0.0.1 fails the test."""
    real = socket.create_connection

    def local_only(address, *args, **kwargs):
        assert address[0] == "127.0.0.1", f"tried to reach {address[0]}"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", local_only)


@pytest.fixture
def server(settings):
    Handler.active = Handler.most_active = 0
    Handler.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # The guarded client reaches no internal address; this server is the test's own.
    settings.SPASMINFO_OUTBOUND_ALLOWED = [*settings.SPASMINFO_OUTBOUND_ALLOWED, f"127.0.0.1:{httpd.server_address[1]}"]
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def refused_url(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.SPASMINFO_OUTBOUND_ALLOWED = [*settings.SPASMINFO_OUTBOUND_ALLOWED, f"127.0.0.1:{port}"]
    return f"http://127.0.0.1:{port}/gone"  # nothing listens there any more


def test_each_kind_of_answer_is_told_apart(server, refused_url):
    urls = [f"{server}/ok", f"{server}/moved", f"{server}/missing", f"{server}/slow", refused_url]
    ok, moved, missing, slow, refused = check_urls(urls, timeout=TIMEOUT)
    assert (ok.status, ok.final_url, ok.is_dead, ok.is_redirected) == (200, f"{server}/ok", False, False)
    assert (moved.status, moved.final_url, moved.is_redirected) == (200, f"{server}/ok-new-home", True)
    assert (missing.status, missing.is_dead) == (404, True)
    assert (slow.status, slow.error, slow.is_dead) == (None, "timed out", True)
    assert (refused.status, refused.error, refused.is_dead) == (None, "connection refused", True)


def test_checks_run_concurrently_but_never_more_than_the_per_host_limit(server):
    urls = [f"{server}/busy{n}" for n in range(8)]
    started = time.monotonic()
    results = check_urls(urls, timeout=5, per_host=2, workers=8)
    elapsed = time.monotonic() - started
    assert [r.status for r in results] == [200] * 8
    assert Handler.most_active == 2  # concurrent, and polite
    assert elapsed < 8 * 0.2  # faster than one at a time


@pytest.fixture
def cited(publish, server, refused_url):
    """A live article and its new draft citing every kind of address (signed off by the tests)."""
    article = publish()
    draft = services.start_draft(article=article, user=workflow.SYSTEM)
    Reference.objects.filter(version=draft).delete()
    for number, path in enumerate(["/ok", "/moved", "/missing", "/slow"], start=1):
        Reference.objects.create(version=draft, number=number, kind="web", title=f"Page {path}", url=server + path)
    Reference.objects.create(version=draft, number=5, kind="web", title="Gone", url=refused_url)
    draft.body = " ".join(f"Fact [@{n}]." for n in range(1, 6))
    draft.save()
    return article, draft


def _sign_off(draft, editor, reviewer):
    if draft.has_signed_off_predecessor():
        draft.change_note = "References updated."
        draft.save()
    services.submit_version(version=draft, user=editor)
    draft.refresh_from_db()
    services.approve_version(
        version=draft, reviewer=reviewer.person, seen_fingerprint=draft.compute_fingerprint(), user=reviewer
    )
    return Article.objects.get(pk=draft.article_id)


def test_the_command_checks_live_references_and_stores_each_result(cited, editor, reviewer, server, refused_url):
    article, draft = cited
    article = _sign_off(draft, editor, reviewer)
    next_draft = services.start_draft(article=article, user=editor)
    Reference.objects.create(version=next_draft, number=6, kind="web", title="Unsigned", url=f"{server}/draft-only")
    assert live_reference_urls() == sorted(
        [refused_url, f"{server}/missing", f"{server}/moved", f"{server}/ok", f"{server}/slow"]
    )
    assert cited_urls() == live_reference_urls()  # what the command visits: articles registered them
    out = io.StringIO()
    call_command("check_references", "--timeout", str(TIMEOUT), stdout=out)
    assert "Checked 5 reference URLs" in out.getvalue() and "1 OK, 1 redirected, 3 dead" in out.getvalue()
    checks = {c.url.removeprefix(server): c for c in LinkCheck.objects.all()}
    assert checks["/ok"].status == 200 and checks["/ok"].checked_at is not None
    assert checks["/moved"].final_url == f"{server}/ok-new-home"
    assert checks["/missing"].status == 404
    assert checks["/slow"].error == "timed out"
    assert checks[refused_url].error == "connection refused"
    assert "/draft-only" not in Handler.requests

    call_command("check_references", "--timeout", str(TIMEOUT), stdout=io.StringIO())
    assert LinkCheck.objects.count() == 5  # one row per URL, updated


def test_reviewers_see_dead_and_redirected_links_on_the_article_and_the_re_review(
    cited, editor, reviewer, server, settings
):
    article, draft = cited
    article = _sign_off(draft, editor, reviewer)
    call_command("check_references", "--timeout", str(TIMEOUT), stdout=io.StringIO())
    report = link_report(article.live_version.references.order_by("number"))
    assert (len(report.dead), len(report.redirected), report.checked, report.linked) == (3, 1, 5, 5)

    client = Client()
    client.force_login(reviewer)
    for url in (
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_article_rereview", args=[article.pk]),
    ):
        page = client.get(url).content.decode()
        assert "3 dead, 1 redirected" in page, url
        assert f"redirected to {server}/ok-new-home" in page and "dead (HTTP 404)" in page
        assert "no response (timed out)" in page and "no response (connection refused)" in page


def test_the_reviewer_queue_flags_articles_with_link_problems(cited, editor, reviewer, now):
    article, draft = cited
    article = _sign_off(draft, editor, reviewer)
    call_command("check_references", "--timeout", str(TIMEOUT), stdout=io.StringIO())
    Article.objects.filter(pk=article.pk).update(next_review_due=now.date())
    queued = due_soon_for(reviewer.person).get(pk=article.pk)
    assert (queued.dead_links, queued.redirected_links) == (3, 1)
    assert not overdue_for(reviewer.person).exists()

    client = Client()
    client.force_login(reviewer)
    page = client.get(reverse("admin:index")).content.decode()
    assert "3 dead links, 1 redirected" in page


def test_the_report_counts_only_references_with_a_web_address(publish):
    article = publish()  # its one reference has a DOI and no URL
    report = link_report(article.live_version.references.order_by("number"))
    assert (report.problems, report.checked, report.linked, report.last_checked_at) == ([], 0, 0, None)
