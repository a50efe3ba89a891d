# Varnish 7.1 in front of spasminfo (gunicorn), with xkey from Debian's varnish-modules.
# See docs/DEPLOYMENT.md ("Varnish in front"). Set the backend to where gunicorn listens.
#
# What it does:
# - caches anonymous GET/HEAD of the pages the site marks shareable (they carry a
#   Surrogate-Key header and Cache-Control s-maxage), keyed by URL with the query string
#   cut to the parameters that change a page (page, q) and sorted, as the site's own page
#   cache keys them;
# - passes everything personal: the admin, the CSRF token endpoint, POSTs, and requests
#   with a session, a pending message or the helpful-vote cookie;
# - drops pages by tag when the site sends `PURGE` with an `xkey-purge` header
#   (CACHE_PURGE_URL=http://<this varnish>/), from the addresses in acl purgers only.
vcl 4.1;

import std;
import xkey;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
}

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "An xkey-purge header is required"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone + " objects"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|csrf)/" || req.http.Authorization) {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|messages|spasminfo_voter)=") {
        return (pass);
    }
    # Everything else is the same page for every reader: cookies (csrftoken, analytics) do
    # not change it, and only page and q change a page; other parameters (utm_*, junk) share
    # the canonical page's object.
    unset req.http.Cookie;
    if (req.url ~ "\?") {
        set req.url = regsuball(req.url, "(?<=[?&])(?!(?:page|q)=)[^&]*(&|$)", "");
        set req.url = regsub(req.url, "[?&]+$", "");
        set req.url = std.querysort(req.url);
    }
    return (hash);
}

sub vcl_backend_response {
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
        unset beresp.http.Surrogate-Key;
    } else if (beresp.http.Cache-Control !~ "public") {
        # Not marked shareable by the site (e.g. a 404 for an article not yet published):
        # never kept, so a publication can never be hidden behind a cached error.
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.xkey;
}
