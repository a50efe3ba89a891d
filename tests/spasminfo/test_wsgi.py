"""The production command (scripts/serve: collectstatic, then gunicorn running spasminfo.wsgi)
serves pages and hashed, compressed static files with far-future cache headers and the security
headers."""

import http.client
import re
import signal
import subprocess
import time

import pytest

from tests.production import ROOT, free_port, manage, production_env

HSTS_SECONDS = "600"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`scripts/serve` with production settings on 127.0.0.1, behind a (pretend) TLS proxy."""
    tmp = tmp_path_factory.mktemp("production")
    port = free_port()
    env = production_env(
        tmp,
        PORT=str(port),
        WEB_CONCURRENCY="2",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO",
        SECURE_HSTS_SECONDS=HSTS_SECONDS,
    )
    manage(env, "migrate", "--noinput")
    manage(env, "load_content", "fixtures")
    log = open(tmp / "gunicorn.log", "w+")  # noqa: SIM115 (closed below)
    process = subprocess.Popen([str(ROOT / "scripts" / "serve")], cwd=ROOT, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 180  # collectstatic and two workers; slow on a loaded CI machine
    while True:
        try:
            get(port, "/", proto="https")
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()  # never leave a server behind
                process.wait(timeout=30)
                log.seek(0)
                pytest.fail(f"scripts/serve did not start in {time.monotonic() - deadline + 180:.0f} s:\n{log.read()}")
            time.sleep(0.2)
    yield port
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    log.seek(0)
    print(f"gunicorn log (last lines):\n{''.join(log.readlines()[-5:])}")
    log.close()


def get(port: int, path: str, proto: str | None = "https", **headers: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    if proto:
        headers["X-Forwarded-Proto"] = proto
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_the_production_command_serves_the_home_and_an_article_page(server):
    home = get(server, "/")
    assert home.status == 200
    assert b"What causes muscle spasms" in home.body
    article = get(server, "/articles/what-causes-muscle-spasms/")
    assert article.status == 200
    print(f"\nscripts/serve: GET / -> {home.status}, GET /articles/what-causes-muscle-spasms/ -> {article.status}")


def test_plain_http_is_redirected_to_https(server):
    response = get(server, "/", proto="http")
    assert response.status == 301
    assert response.getheader("Location") == f"https://127.0.0.1:{server}/"


def test_responses_carry_the_security_headers(server):
    response = get(server, "/")
    headers = {name: response.getheader(name) for name in SECURITY_HEADERS}
    print()
    for name, value in headers.items():
        print(f"{name}: {value}")
    assert headers["Strict-Transport-Security"] == f"max-age={HSTS_SECONDS}; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    policy = dict(
        (part.split()[0], part.split()[1:]) for part in headers["Content-Security-Policy"].split(";") if part.strip()
    )
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["default-src"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]


SECURITY_HEADERS = [
    "Strict-Transport-Security",
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
]


def stylesheet_url(port: int) -> str:
    page = get(port, "/").body.decode()
    match = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page)
    assert match, "the page links a hashed stylesheet"
    return match.group(1)


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_a_hashed_static_file_is_served_compressed_with_a_far_future_max_age(server, encoding):
    url = stylesheet_url(server)
    plain = get(server, url)
    compressed = get(server, url, **{"Accept-Encoding": encoding})
    print(
        f"\n{url} ({encoding}): {compressed.status}, Content-Encoding: {compressed.getheader('Content-Encoding')}, "
        f"{len(plain.body)} -> {len(compressed.body)} bytes, Cache-Control: {compressed.getheader('Cache-Control')}"
    )
    assert compressed.status == 200
    assert compressed.getheader("Content-Encoding") == encoding
    assert len(compressed.body) < len(plain.body)
    cache_control = compressed.getheader("Cache-Control")
    assert "immutable" in cache_control
    assert int(re.search(r"max-age=(\d+)", cache_control).group(1)) >= 365 * 24 * 3600


def test_an_unhashed_static_name_is_not_cached_for_long(server):
    response = get(server, "/static/css/site.css")
    assert response.status == 200
    assert int(re.search(r"max-age=(\d+)", response.getheader("Cache-Control")).group(1)) <= 3600
