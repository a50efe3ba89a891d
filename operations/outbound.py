"""The one way the site makes a request to another server (today: the link checker).

    fetch(url, timeout=...) -> Answer      one GET, redirects followed by hand; never raises

Guarded, so a cited address cannot turn the site into a scanner of its own network:
- only http and https, at every hop;
- the host is resolved once per hop and every address it resolves to must be public: no
  loopback, private, shared, link-local, multicast, reserved or unspecified address, also
  when written another way (IPv4-mapped IPv6, 6to4, NAT64, decimal or octal forms);
- the connection goes to the address that was checked, not to a second lookup (no DNS
  rebinding between the check and the connect); TLS still verifies the host's own name;
- every redirect is checked the same way; at most MAX_REDIRECTS, a loop is named as one;
- a time limit on each hop and on the whole fetch; the body is never read;
- every protocol error (a banner that is not HTTP, a bad status, a header flood) is an
  answer with a reason, never an exception.

An address refused by the guard is reported as "not checked: ..." and no packet is sent.
`settings.SPASMINFO_OUTBOUND_ALLOWED` ("ip:port" strings) lets the test suite reach its own
servers on 127.0.0.1; it is empty everywhere else.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

USER_AGENT = "spasminfo-link-check/1.0 (checks the references of medically reviewed articles)"
MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}
NAT64 = ipaddress.ip_network("64:ff9b::/96")


@dataclass(frozen=True)
class Answer:
    status: int | None  # HTTP status of the last response; None when there was none
    final_url: str
    error: str = ""


class Refused(Exception):
    """The guard will not send this request; the message says why (shown to editors)."""


def is_public(address: str) -> bool:
    """True for an address on the public internet, whatever way it is written."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip.sixtofour is not None:
            ip = ip.sixtofour
        elif ip.teredo is not None:
            ip = ip.teredo[1]
        elif ip in NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.is_global and not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
    )


def _allowed(address: str, port: int) -> bool:
    return f"{address}:{port}" in getattr(settings, "SPASMINFO_OUTBOUND_ALLOWED", ())


def vetted_address(host: str, port: int) -> str:
    """The address to connect to for `host`: resolved once, every result checked."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except UnicodeError as error:
        raise Refused("not checked: the host name is not valid") from error
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for address in addresses:
        if not is_public(address) and not _allowed(address, port):
            raise Refused("not checked: internal address")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _one_hop(url: str, timeout: float) -> tuple[int, str | None]:
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise Refused("not checked: the address has no host")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = vetted_address(host, port)
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = kind(host, port, address=address, timeout=timeout)
    try:
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", target, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.8"})
        response = connection.getresponse()
        return response.status, response.getheader("Location")
    finally:
        connection.close()  # the body is never read


def _reason(error: BaseException) -> str:
    if isinstance(error, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, ConnectionResetError | BrokenPipeError):
        return "connection closed by the server"
    if isinstance(error, socket.gaierror):
        return "host not found"
    if isinstance(error, ssl.SSLError):
        return f"TLS error: {error.reason or error}"[:200]
    if isinstance(error, http.client.HTTPException):
        return f"not a usable HTTP answer ({type(error).__name__})"[:200]
    if isinstance(error, ValueError):
        return "not a valid web address"
    return f"{type(error).__name__}: {error}"[:200]


def fetch(url: str, *, timeout: float) -> Answer:
    """One GET of `url` through the guard, redirects followed (each checked); never raises."""
    deadline = time.monotonic() + 3 * timeout
    seen = {url}
    current = url
    try:
        for hop in range(MAX_REDIRECTS + 1):
            scheme = urlsplit(current).scheme.lower()
            if scheme not in ("http", "https"):
                if hop == 0:
                    raise Refused("not checked: only http and https addresses are checked")
                raise Refused(f"not followed: a redirect to a {scheme or 'relative'}: address")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            status, location = _one_hop(current, min(timeout, left))
            if status not in REDIRECTS or not location:
                return Answer(status=status, final_url=current)
            following = urljoin(current, location)
            if following in seen:
                return Answer(status=None, final_url=current, error="redirect loop")
            seen.add(following)
            current = following
        return Answer(status=None, final_url=current, error=f"more than {MAX_REDIRECTS} redirects")
    except Refused as refused:
        return Answer(status=None, final_url="" if current == url else current, error=str(refused))
    except (OSError, http.client.HTTPException, ValueError) as error:
        return Answer(status=None, final_url="", error=_reason(error))
