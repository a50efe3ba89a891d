"""The guarded outbound client: internal addresses are never contacted, in any spelling and
after any redirect, and a server that answers with anything but HTTP is an answer with a
reason, never a crash of the whole check."""

import contextlib
import http.server
import socket
import threading

import pytest
from django.core.management import call_command

from operations import outbound
from references.linkcheck import check_urls
from references.models import LinkCheck

TIMEOUT = 1.0


class Counting(http.server.BaseHTTPRequestHandler):
    """Counts every request; /to/<url> redirects there, /loop to itself, anything else is 200."""

    def do_GET(self):
        self.server.hits.append(self.path)
        if self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
        elif self.path.startswith("/to/"):
            self.send_response(302)
            self.send_header("Location", self.path[len("/to/") :])
        else:
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def http_server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    httpd.hits = []
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextlib.contextmanager
def raw_server(answer: bytes):
    """A TCP server on 127.0.0.1 that writes `answer` to whoever connects, then hangs up."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    stop = threading.Event()

    def serve():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            with contextlib.suppress(OSError), conn:
                conn.settimeout(1)
                with contextlib.suppress(OSError):
                    conn.recv(4096)
                conn.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        listener.close()


@pytest.fixture
def connections_made(monkeypatch):
    """Every address the client connects to."""
    made = []
    real = socket.create_connection

    def recording(address, *args, **kwargs):
        made.append(address[0])
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", recording)
    return made


def internal_forms(port: int) -> list[str]:
    return [
        f"http://127.0.0.1:{port}/",
        f"http://localhost:{port}/",
        f"http://LOCALHOST:{port}/x",
        f"http://127.1:{port}/",
        f"http://2130706433:{port}/",
        f"http://0x7f000001:{port}/",
        f"http://0177.0.0.1:{port}/",
        f"http://[::1]:{port}/",
        f"http://[::ffff:127.0.0.1]:{port}/",
        f"http://[::ffff:7f00:1]:{port}/",
        f"http://[64:ff9b::7f00:1]:{port}/",
        f"http://[2002:7f00:1::]:{port}/",
        f"http://0.0.0.0:{port}/",
        f"http://0:{port}/",
        f"http://[::]:{port}/",
        f"https://127.0.0.1:{port}/",
        f"http://user:secret@127.0.0.1:{port}/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        "http://255.255.255.255/",
        f"ftp://127.0.0.1:{port}/",
        "file:///etc/passwd",
        f"gopher://127.0.0.1:{port}/_INFO",
    ]


def test_thirty_internal_address_forms_are_refused_and_none_is_contacted(db, connections_made):
    with http_server() as target:
        urls = internal_forms(target.server_address[1])
        assert len(urls) == 30
        results = check_urls(urls, timeout=TIMEOUT)
    assert target.hits == [] and connections_made == []
    for result in results:
        assert result.status is None and result.error.startswith("not checked"), (result.url, result.error)
    assert LinkCheck(url="http://10.0.0.1/", status=None, error=results[18].error).summary == results[18].error


def test_a_redirect_to_an_internal_address_is_not_followed(settings, connections_made):
    with http_server() as public, http_server() as internal:
        settings.SPASMINFO_OUTBOUND_ALLOWED = [f"127.0.0.1:{public.server_address[1]}"]  # stands for a public site
        hidden = f"http://127.0.0.1:{internal.server_address[1]}/secret"
        answer = outbound.fetch(f"http://127.0.0.1:{public.server_address[1]}/to/{hidden}", timeout=TIMEOUT)
        assert (answer.status, answer.error) == (None, "not checked: internal address")
        assert internal.hits == [] and len(public.hits) == 1
        for target in ("file:///etc/passwd", "ftp://example.org/x"):
            answer = outbound.fetch(f"http://127.0.0.1:{public.server_address[1]}/to/{target}", timeout=TIMEOUT)
            assert answer.status is None and answer.error.startswith("not followed"), answer


def test_the_connection_goes_to_the_address_that_was_checked(settings, monkeypatch, connections_made):
    """DNS rebinding: a name that resolves to a public address when checked and an internal one
    a moment later is connected to at the checked address; it is never looked up twice."""
    with http_server() as site:
        port = site.server_address[1]
        settings.SPASMINFO_OUTBOUND_ALLOWED = [f"127.0.0.1:{port}"]  # the "public" address of the test
        lookups = []
        real = socket.getaddrinfo

        def rebinding(host, *args, **kwargs):
            if host != "rebinding.example":
                return real(host, *args, **kwargs)
            lookups.append(host)
            return real("127.0.0.1" if len(lookups) == 1 else "127.0.0.2", *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", rebinding)
        answer = outbound.fetch(f"http://rebinding.example:{port}/page", timeout=TIMEOUT)
    assert answer.status == 200 and lookups == ["rebinding.example"] and connections_made == ["127.0.0.1"]


MISBEHAVING = {
    "an SSH banner": b"SSH-2.0-OpenSSH_9.6\r\n",
    "an SMTP banner": b"220 mail.example ESMTP ready\r\n",
    "status 99999": b"HTTP/1.1 99999 Strange\r\nContent-Length: 0\r\n\r\n",
    "a header flood": b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-H%d: v\r\n" % n for n in range(150)) + b"\r\n",
    "an over-long header line": b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70000 + b"\r\n\r\n",
    "binary noise": bytes(range(256)) * 4,
    "nothing at all": b"",
}


def test_misbehaving_servers_each_get_a_reason_and_the_whole_check_completes(db, settings, monkeypatch):
    with contextlib.ExitStack() as stack:
        ports = {name: stack.enter_context(raw_server(answer)) for name, answer in MISBEHAVING.items()}
        loop = stack.enter_context(http_server())
        settings.SPASMINFO_OUTBOUND_ALLOWED = [f"127.0.0.1:{p}" for p in [*ports.values(), loop.server_address[1]]]
        base = f"http://127.0.0.1:{loop.server_address[1]}"
        urls = {name: f"http://127.0.0.1:{port}/" for name, port in ports.items()}
        urls["a redirect loop"] = f"{base}/loop"
        urls["too many redirects"] = f"{base}/to/{base}/to/{base}/to/{base}/to/{base}/to/{base}/to/{base}/to/x"
        monkeypatch.setattr("references.management.commands.check_references.cited_urls", lambda: list(urls.values()))
        call_command("check_references", verbosity=0)
    checks = {check.url: check for check in LinkCheck.objects.all()}
    assert set(checks) == set(urls.values())  # every URL stored: the run completed
    for name, url in urls.items():
        check = checks[url]
        assert check.is_dead and not check.is_redirected and check.error, (name, check.summary)
        assert "OK" not in check.summary, (name, check.summary)
