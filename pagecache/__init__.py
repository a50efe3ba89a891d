"""The public page cache: work once, serve many times, and never serve a stale page.

It knows no model: what a change touches is said by the apps that make changes (the editorial
core's articles/freshness.py, participation/caching.py, the reader's votes).

- Every cached page depends on the site-wide *content generation* (the tag ``content``,
  `tags.content_changed`). The editorial core replaces it on every editorial change.
- Writes by readers keep narrow tags, so a vote does not empty the cache: a view declares
  them in its URLconf (``cached_page(view, tags=["votes:{slug}"])``, formatted with the
  URL's arguments) and the write calls ``invalidate("votes:<slug>")``.

How a page is kept (tags.py): each tag has a random token in the cache. Before rendering, the
page's tokens are read (and created if missing); the page is stored with them, and
served only while every token is still there and unchanged. A change during the render
replaces a token, so the page stored from it is dead on arrival; an evicted token or
page is a miss, never a stale page.

Bounded (middleware.py): a page is keyed by host, path and only the query parameters its view
declares (``cached_page(view, params=["page"])``), normalised; any other parameter (``utm_*``,
junk) is dropped before the view runs, so it shares the canonical page's entry. Pages
over ``SPASMINFO_PAGE_CACHE_MAX_BYTES`` are served but not kept. The date is part of the
key, so notices that depend on the day (overdue for review) never outlive it; so is the
release (release.py).

Served early: ``PageCacheMiddleware`` answers a hit before sessions, auth, messages and
CSRF run, with one cache round trip and the headers the page was stored with; a matching
If-None-Match / If-Modified-Since is answered 304 without rendering. A public page is the
same bytes for every reader (a form fetches its CSRF token when the reader uses it,
static/js/csrf.js), so a shared proxy may serve it too: pages send ``Cache-Control`` with
``s-maxage`` and a ``Surrogate-Key`` header of their tags and of what they show (shown.py:
the items shown while rendering, e.g. ``article:<pk>``, and the lists their selectors declare,
e.g. ``cause:<pk>``, ``listings``).

Purged exactly (purge.py): the proxy is sent xkey purges (to each of ``CACHE_PURGE_URL``)
that are not the tokens replaced here. A change of one subject (`tags.changed`: for the
editorial core, an article) replaces ``content`` here but purges at the proxy only the
subject's keys before and after the change; a reader's write its narrow tag. A page rendered
while a change was committed is kept by no cache, and every purge is sent again a moment later
(``purge_twice``): docs/DEPLOYMENT.md, "Varnish in front".
"""
