"""A real Varnish (deploy/varnish/default.vcl, with xkey) in front of the live test server.

One varnishd per test session (`varnishd` fixture, started on first use, in front of
pytest-django's session-wide live_server); each test gets it empty and purged by the site
(`varnish` fixture). Tests that fetch pages through it use `through`, which first lets the
worker run the due jobs (the purges the site queued: operations/queue.py), as a worker
running beside the site would have by then. The freshness and
no-leak tests run through it too when SPASMINFO_TEST_PROXY=varnish (tests/conftest.py).
"""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from http.client import HTTPConnection
from pathlib import Path

import pytest
from django.conf import settings

VCL = settings.BASE_DIR / "deploy" / "varnish" / "default.vcl"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_varnishd() -> None:
    if not shutil.which("varnishd"):
        message = "varnishd is not installed (apt-get install varnish varnish-modules)"
        if os.environ.get("REQUIRE_VARNISH") == "1":
            pytest.fail(message)
        pytest.skip(message)


class Varnish:
    """varnishd on a free port of 127.0.0.1 in front of `backend_port`."""

    def __init__(self, backend_port: str, port: int | None = None):
        self.workdir = Path(tempfile.mkdtemp(prefix="spasminfo-varnish-"))
        vcl = self.workdir / "default.vcl"
        vcl.write_text(re.sub(r'\.port = "\d+";', f'.port = "{backend_port}";', VCL.read_text(), count=1))
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        command = ["varnishd", "-F", "-j", "none", "-a", f"127.0.0.1:{self.port}", "-f", str(vcl)]
        self.process = subprocess.Popen(
            [*command, "-n", str(self.workdir / "n"), "-s", "malloc,64m"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    output = self.process.stdout.read().decode()[-2000:]
                    raise RuntimeError(f"varnishd did not start: {output}") from None
                time.sleep(0.05)

    def empty(self) -> None:
        """Drop every page (each carries the content generation's key)."""
        response, _ = through(self.port, "/", method="PURGE", headers={"xkey-purge": "content"})
        assert response.status == 200

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)


def worker_turn() -> None:
    """Run the queue's due jobs in this process (operations.queue.run_due_jobs), when the test may
    use the database."""
    from operations.queue import run_due_jobs

    try:
        run_due_jobs()
    except RuntimeError as error:  # pytest-django: this test has no database access
        if "Database access not allowed" not in str(error):
            raise


def through(port: int, path: str, method: str = "GET", headers=None, body=None):
    """(response, text) of one request to 127.0.0.1:port, once the due jobs ran (`worker_turn`)."""
    worker_turn()
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        content = response.read().decode(errors="replace")
    finally:
        connection.close()
    return response, content


def hit(response) -> bool:
    """Served from Varnish's storage (X-Cache, set by the VCL; Age above 0 or not, obj.hits counts)."""
    return response.getheader("X-Cache") == "HIT"


# --- fetching public pages directly, or through Varnish (SPASMINFO_TEST_PROXY=varnish) ---------

PROXIED = os.environ.get("SPASMINFO_TEST_PROXY") == "varnish"


class Fetched:
    """A response as the freshness and no-leak tests read it, however it was fetched."""

    def __init__(self, status: int, content: bytes, headers: dict, stored: bool):
        self.status_code, self.content, self.headers = status, content, headers
        self.stored = stored  # served from a cache's storage (the site's page cache, or Varnish): may be stale

    def get(self, name: str, default=None):
        return self.headers.get(name.lower(), default)


class DirectPages:
    """The test client, in the test's process: the site's own page cache is the only cache."""

    host = "testserver"

    def get(self, url: str) -> Fetched:
        from django.test import Client

        response = Client().get(url)
        headers = {name.lower(): value for name, value in response.items()}
        return Fetched(response.status_code, response.content, headers, headers.get("x-page-cache") == "hit")


class ProxiedPages:
    """Real HTTP through the session's varnishd, in front of the live test server."""

    def __init__(self, port: int):
        self.port = port
        self.host = f"127.0.0.1:{port}"

    def get(self, url: str) -> Fetched:
        worker_turn()
        connection = HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", url)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        headers = {name.lower(): value for name, value in response.getheaders()}
        stored = headers.get("x-cache") == "HIT" or headers.get("x-page-cache") == "hit"
        return Fetched(response.status, content, headers, stored)
