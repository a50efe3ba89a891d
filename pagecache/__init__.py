"""The public page cache: work once, serve many times, and never serve a stale page.

It knows no model: what a change touches is said by the apps that make changes (the editorial
core's articles/freshness.py, participation/caching.py, the reader's votes).

- A page depends on what it showed: while it renders, the items it loads and the lists its
  selectors build are recorded (shown.py, e.g. ``article:<pk>``, ``cause:<pk>``, ``listings``),
  and it is kept under those keys' tokens. A change replaces exactly its keys (tags.py), so
  exactly the pages that showed it miss. ``content`` (every page) is replaced only by a change
  of everything (a restored backup, a bulk load).
- Writes by readers keep narrow tags, so a vote empties nothing else: a view declares them in
  its URLconf (``cached_page(view, tags=["votes:{slug}"])``, formatted with the URL's
  arguments) and the write calls ``invalidate("votes:<slug>")``.

How a page is kept (tags.py): each tag has a random token in the cache. The page is stored
with its tags' tokens and served only while every one is still there and unchanged; a page
rendered while any change committed (the *epoch* token moved) is served and kept nowhere; an
evicted token or page is a miss, never a stale page. On the way out, a page that showed
something withdrawn since (a taken-down article) is refused whatever its tokens say,
checked against the database (withdrawn.py).

Bounded (middleware.py): a page is keyed by host, path and only the query parameters its view
declares (``cached_page(view, params=["page"])``), normalised; any other parameter (``utm_*``,
junk) is dropped before the view runs, so it shares the canonical page's entry. Pages
over ``SPASMINFO_PAGE_CACHE_MAX_BYTES`` are served but not kept. The date is part of the
key, so notices that depend on the day (overdue for review) never outlive it; so is the
release (release.py).

Served early: ``PageCacheMiddleware`` answers a hit before sessions, auth, messages and
CSRF run, with one or two cache round trips and the headers the page was stored with; a
matching If-None-Match / If-Modified-Since is answered 304 without rendering. A public page is
the same bytes for every reader (a form fetches its CSRF token when the reader uses it,
static/js/csrf.js), so a shared proxy may serve it too: pages send ``Cache-Control`` with
``s-maxage`` and a ``Surrogate-Key`` header of the same keys they are kept under.

Purged exactly (purge.py): the proxy is sent xkey purges (to each of ``CACHE_PURGE_URL``) of
the same keys whose tokens are replaced here, once the change commits, and again a moment
later (``purge_twice``): docs/DEPLOYMENT.md, "Varnish in front". With Redis unreachable the
cache degrades to a miss (operations/cache.py).
"""
