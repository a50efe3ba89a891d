"""Checking the web addresses the site cites: `manage.py check_references`.

    cites_urls(source)               an app that cites registers, in its ready(), what to check
                                     (articles: the reference URLs of live articles' live versions)
    cited_urls()                     every registered address, http(s) only, each once, sorted
    check_urls(urls, ...)            fetch them concurrently: a thread pool, at most `per_host`
                                     requests to one host at a time, a timeout on each
    store_results(results)           one LinkCheck row per URL (insert or update)
    link_report(references)          of a version's references (anything with a `url`), those whose
                                     last check found them dead or redirected, for the admin article
                                     and re-review pages

Every request goes through the guarded client (operations/outbound.py): an address that is
not http(s) or resolves to an internal one is "not checked", and no packet is sent to it.
A link is dead when there is no usable answer (timeout, refused, name or TLS error, not
HTTP, a redirect loop, a redirect the guard will not follow) or the answer is an HTTP error
(4xx, 5xx); redirected when the answer came from another address. A GET is sent, as some
sites refuse HEAD; the body is never read.
"""

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils import timezone

from operations import outbound
from references.models import LinkCheck

DEFAULT_TIMEOUT = 10.0
DEFAULT_PER_HOST = 2
DEFAULT_WORKERS = 16


@dataclass(frozen=True)
class LinkResult:
    url: str
    status: int | None  # HTTP status of the last response; None when there was none
    final_url: str
    error: str = ""

    @property
    def is_dead(self) -> bool:
        return self.status is None or self.status >= 400

    @property
    def is_redirected(self) -> bool:
        return not self.is_dead and self.final_url != self.url


_url_sources: list[Callable[[], Iterable[str]]] = []


def cites_urls(source: Callable[[], Iterable[str]]) -> None:
    """Register `source`, a function listing web addresses an app cites, for `cited_urls`;
    called from the citing app's AppConfig.ready() (so this module never imports it)."""
    if source not in _url_sources:
        _url_sources.append(source)


def cited_urls() -> list[str]:
    """Every address the registered sources cite, http(s) only, each once, sorted."""
    urls = {url for source in _url_sources for url in source()}
    return sorted(url for url in urls if urlsplit(url).scheme in ("http", "https"))


def check_url(url: str, *, timeout: float = DEFAULT_TIMEOUT) -> LinkResult:
    """One GET through the guarded client (operations/outbound.py), redirects followed; never raises."""
    answer = outbound.fetch(url, timeout=timeout)
    return LinkResult(url=url, status=answer.status, final_url=answer.final_url, error=answer.error)


def check_urls(
    urls: Iterable[str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    per_host: int = DEFAULT_PER_HOST,
    workers: int = DEFAULT_WORKERS,
) -> list[LinkResult]:
    """Check every URL concurrently, at most `per_host` at a time on any one host; results in input order."""
    limits: dict[str, threading.Semaphore] = defaultdict(lambda: threading.Semaphore(per_host))
    lock = threading.Lock()

    def polite(url: str) -> LinkResult:
        host = (urlsplit(url).hostname or "").lower()
        with lock:
            limit = limits[host]
        with limit:
            return check_url(url, timeout=timeout)

    urls = list(dict.fromkeys(urls))
    if not urls:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(urls)))) as pool:
        return list(pool.map(polite, urls))


def store_results(results: Iterable[LinkResult], *, at=None) -> int:
    """Record each result as the URL's latest check; returns how many were stored."""
    at = at or timezone.now()
    rows = [LinkCheck(url=r.url, status=r.status, final_url=r.final_url, error=r.error, checked_at=at) for r in results]
    LinkCheck.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["url"],
        update_fields=["status", "final_url", "error", "checked_at"],
    )
    return len(rows)


# --- what reviewers see ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkProblem:
    reference: object  # the citing row (articles.models.Reference): .url, .number, .title
    check: LinkCheck


@dataclass(frozen=True)
class LinkReport:
    problems: list[LinkProblem]
    checked: int  # of the version's linked references, how many were ever checked
    linked: int  # references with a URL
    last_checked_at: object | None

    @property
    def dead(self) -> list[LinkProblem]:
        return [p for p in self.problems if p.check.is_dead]

    @property
    def redirected(self) -> list[LinkProblem]:
        return [p for p in self.problems if p.check.is_redirected]


def link_report(references: Iterable) -> LinkReport:
    """Of `references` (a version's, in order; anything with a `url`), those whose URL was last
    found dead or redirected (one query for the checks)."""
    references = [ref for ref in references if ref.url]
    checks = {c.url: c for c in LinkCheck.objects.filter(url__in={ref.url for ref in references})}
    problems = [
        LinkProblem(ref, checks[ref.url])
        for ref in references
        if ref.url in checks and (checks[ref.url].is_dead or checks[ref.url].is_redirected)
    ]
    return LinkReport(
        problems=problems,
        checked=sum(1 for ref in references if ref.url in checks),
        linked=len(references),
        last_checked_at=max((c.checked_at for c in checks.values()), default=None),
    )
