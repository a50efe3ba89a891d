"""Settings shared by every environment; each value comes from the environment.

`dev`, `test` and `production` import this module and adjust only what differs.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable, or set "
            "DEBUG=1 to run with a development-only key."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "operations.admin_site.SpasminfoAdminConfig",  # django.contrib.admin, refusing bad filter input with 400
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "axes",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_ratelimit",
    "taggit",
    "procrastinate.contrib.django",  # the task queue (operations/queue.py), in this PostgreSQL
    "pagecache",
    "taxonomy",
    "references",
    "articles",
    "images",
    "search",
    "ninja",  # the content API's library (export_openapi_schema)
    "api",
    "previews",
    "desk",
    "comments",
    "participation",
    "reviewcalendar",
    "reader",
    "operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # HTML, JSON, feeds compressed for clients that ask (with Django's BREACH mitigation); pages are
    # kept uncompressed by the page cache below and compressed on the way out.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    # Cached public pages are served here, before sessions, auth, messages and CSRF.
    "pagecache.middleware.PageCacheMiddleware",
    "operations.middleware.DatabaseUnavailableMiddleware",
    "operations.replica.ReplicaMiddleware",  # before anything reads: replica or primary for this request
    "operations.input.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "pagecache.middleware.StableETagMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "articles.immutability.RefusalMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "spasminfo.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reader.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "spasminfo.wsgi.application"

# PostgreSQL only. Without DATABASE_URL: the embedded server of `make run` and `make test`
# (devtools/embedded_postgres.py, in .pgdata/ on 127.0.0.1:54329); production sets DATABASE_URL.
_EMBEDDED_DATABASE_URL = f"postgres://postgres@127.0.0.1:{env.int('EMBEDDED_PG_PORT', default=54329)}/spasminfo"
DATABASES = {
    "default": env.db("DATABASE_URL", default=_EMBEDDED_DATABASE_URL),
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("spasminfo runs on PostgreSQL only: DATABASE_URL must be a postgres:// URL.")
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
# A streaming replica of the primary (PostgreSQL) for anonymous public reads (operations/replica.py).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a postgres:// URL.")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests: the same database, no copy made
DATABASE_ROUTERS = ["operations.replica.ReplicaRouter"]
# Seconds a change waits for the replica to replay it before caches are told (then told anyway).
SPASMINFO_REPLICA_MAX_WAIT = env.float("REPLICA_MAX_WAIT", default=5.0)


def cache_from_url(url: str) -> dict:
    """A CACHES entry from a URL: `locmem://` (the default), `redis://host:port/db`, ...

    Redis always uses Django's own RedisCache (never django-redis, even if some other
    package installs it; operations/cache.py reuses its client objects and degrades to a miss
    when Redis is unreachable), with short socket timeouts so a slow or paused Redis costs a
    request a quarter of a second at most, once per CACHE_RETRY_SECONDS and process.
    """
    if not url.strip():
        raise ImproperlyConfigured(
            "CACHE_URL is set but empty. Unset it for the per-process cache (development only), or point "
            "it at a shared cache, e.g. CACHE_URL=redis://127.0.0.1:6379/0 (production requires one)."
        )
    config = environ.Env.cache_url_config(url)
    if url.split(":", 1)[0] in {"redis", "rediss"}:
        config["BACKEND"] = "operations.cache.RedisCache"
        config.setdefault("OPTIONS", {})
        config["OPTIONS"].setdefault("socket_connect_timeout", 0.25)
        config["OPTIONS"].setdefault("socket_timeout", 0.25)
    config.setdefault("KEY_PREFIX", "spasminfo")
    return config


CACHES = {"default": cache_from_url(env.str("CACHE_URL", default="locmemcache://"))}
# The rate limits' counters: the same cache, but while Redis is unreachable they count in each
# process's memory (operations/cache.py, LOCAL_FALLBACK): a limit is then per process, so an
# address may make up to (processes x limit) requests in a period. The pages never fall back
# to memory (one process's copy would outlive a change made by another): they render uncached.
CACHES["ratelimits"] = {**CACHES["default"], "OPTIONS": dict(CACHES["default"].get("OPTIONS", {}))}
if CACHES["ratelimits"]["BACKEND"] == "operations.cache.RedisCache":
    CACHES["ratelimits"]["OPTIONS"]["LOCAL_FALLBACK"] = True
RATELIMIT_USE_CACHE = "ratelimits"
# Seconds a process leaves the cache alone after it failed to answer (operations/cache.py).
SPASMINFO_CACHE_RETRY_SECONDS = env.float("CACHE_RETRY_SECONDS", default=5.0)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")


def media_storage() -> dict:
    """Where uploads and renditions go (always through Django's storage API): the local MEDIA_ROOT,
    or with MEDIA_S3_BUCKET an S3-compatible bucket (django-storages) that every app server shares."""
    bucket = env.str("MEDIA_S3_BUCKET", default="")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = {
        "bucket_name": bucket,
        "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("MEDIA_S3_REGION", default="") or None,
        "custom_domain": env.str("MEDIA_S3_CUSTOM_DOMAIN", default="") or None,
        "querystring_auth": False,  # pictures are public; their addresses are kept in pages
        "file_overwrite": False,  # a picture is never replaced (images/)
        "default_acl": None,
    }  # credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (boto3 reads them)
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": media_storage(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Security headers (every environment; production adds HSTS and secure cookies) ---
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = env.str("REFERRER_POLICY", default="same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Messages live in the session (the database), not in a cookie: some carry one-time secrets
# (operations/secrets.py).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Content-Security-Policy (django-csp): scripts only from our own origin, never inline.
# Styles allow 'unsafe-inline' because admin templates carry style="" attributes; a
# style cannot run code. Images allow data: for the admin's and Select2's icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Sign-in is the admin's. After it, go where `?next=` says if that is a safe local URL,
# else to the admin index (Django's default, /accounts/profile/, is not a page here).
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# --- Sign-in lockout (django-axes) ---
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock out the (username, address) pair after AXES_FAILURE_LIMIT failures, and an address
# on its own after AXES_ADDRESS_FAILURE_LIMIT failures across any usernames. Never the
# username alone: that would let anyone lock a reviewer out (operations/lockout.py).
AXES_HANDLER = "operations.lockout.PairThenAddressHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)  # hours; after that, attempts count from zero
# A lockout ends AXES_COOLOFF_HOURS after it began: attempts during it do not renew it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Causes are tags; "Dehydration" and "dehydration" are one cause.
TAGGIT_CASE_INSENSITIVE = True

# Editorial policy
SPASMINFO_SITE_NAME = "spasminfo"
SPASMINFO_DEFAULT_REVIEW_INTERVAL_MONTHS = env.int("REVIEW_INTERVAL_MONTHS", default=12)
SPASMINFO_REVIEW_DUE_SOON_DAYS = env.int("REVIEW_DUE_SOON_DAYS", default=30)
# What readers get when an article is overdue for review: "notice" keeps serving it
# with an "overdue for review" notice; "hide" takes it off the public site until reviewed.
SPASMINFO_OVERDUE_POLICY = env.str("OVERDUE_POLICY", default="notice")
# Picture uploads (images/processing.py): larger files or more pixels are refused with a message.
SPASMINFO_IMAGE_MAX_BYTES = env.int("IMAGE_MAX_MB", default=10) * 1_000_000
SPASMINFO_IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_MEGAPIXELS", default=40) * 1_000_000
if SPASMINFO_OVERDUE_POLICY not in ("notice", "hide"):
    raise ImproperlyConfigured(f"OVERDUE_POLICY must be 'notice' or 'hide', not {SPASMINFO_OVERDUE_POLICY!r}.")
# The condition every article is about (schema.org `about` in each article's JSON-LD).
SPASMINFO_CONDITION = "Muscle spasm"
# Anonymous public pages are cached and invalidated by tag (pagecache/).
SPASMINFO_PAGE_CACHE = env.bool("PAGE_CACHE", default=True)
# The article page's per-version fragments and related articles (reader/fragments.py), page cache or not.
SPASMINFO_FRAGMENT_CACHE = env.bool("FRAGMENT_CACHE", default=True)
# What names this release's code in the keys of kept pages and fragments (e.g. the commit being
# deployed); empty: a hash of the project's Python files and templates (pagecache.release).
SPASMINFO_RELEASE = env.str("RELEASE", default="")
SPASMINFO_PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=24 * 60 * 60)
# How often each process reads what was withdrawn from readers lately (taken down, archived), to
# serve no kept page that showed it whatever the cache says (pagecache/withdrawn.py).
SPASMINFO_WITHDRAWN_REFRESH_SECONDS = env.float("WITHDRAWN_REFRESH_SECONDS", default=1.0)
SPASMINFO_PAGE_CACHE_MAX_BYTES = env.int("PAGE_CACHE_MAX_BYTES", default=512 * 1024)  # larger pages are not kept
# Each process keeps copies of the pages it serves, up to this many bytes (0: none); the shared
# cache's tokens still decide, at every request, whether a copy may be served.
SPASMINFO_PAGE_CACHE_LOCAL_BYTES = env.int("PAGE_CACHE_LOCAL_BYTES", default=16 * 1024 * 1024)
# Proxies (Varnish with xkey, deploy/varnish/default.vcl) to send purges to, comma-separated.
SPASMINFO_CACHE_PURGE_URLS = env.list("CACHE_PURGE_URL", default=[])
# Internal "ip:port" addresses the guarded outbound client may reach (operations/outbound.py):
# none. Only the test suite sets it, for servers of its own on 127.0.0.1.
SPASMINFO_OUTBOUND_ALLOWED: list[str] = []
SPASMINFO_CACHE_PURGE_TIMEOUT = env.float("CACHE_PURGE_TIMEOUT", default=2.0)  # seconds per proxy
# every purge is sent again this many seconds later (0: once), for a page rendered before a change
# and stored by the proxy just after its purge (pagecache.purge.purge_twice)
SPASMINFO_CACHE_PURGE_AGAIN_SECONDS = env.float("CACHE_PURGE_AGAIN_SECONDS", default=2.0)

# --- The task queue (procrastinate, its tables in this PostgreSQL; operations/queue.py). Mails,
# proxy purges, renditions and the periodic jobs run in `manage.py procrastinate worker`.
PROCRASTINATE_WORKER_DEFAULTS = {"listen_notify": True}  # finished jobs are kept a week (forget_old_jobs)
# A failed job is tried again after 2, 4, 8 ... seconds, at most this many apart, until it succeeds.
SPASMINFO_JOB_RETRY_MAX_SECONDS = env.int("JOB_RETRY_MAX_SECONDS", default=600)
# When the periodic jobs run (cron syntax, the server's time zone; a sixth field counts seconds).
# Each runs once per period whatever the number of workers (procrastinate's periodic lock).
SPASMINFO_PERIODIC = {
    "publish_due": env.str("PERIODIC_PUBLISH_DUE", default="* * * * *"),  # scheduled versions, archiving
    "review_due": env.str("PERIODIC_REVIEW_DUE", default="0 7 * * 1"),  # reviewers' weekly reminders
    "send_updates": env.str("PERIODIC_SEND_UPDATES", default="0 6 * * *"),  # readers' digests
    "check_references": env.str("PERIODIC_CHECK_REFERENCES", default="30 3 * * 0"),  # link checks
    "forget_old_jobs": env.str("PERIODIC_FORGET_OLD_JOBS", default="15 4 * * *"),  # the queue's history
}
# Public forms are rate limited per client address (django-ratelimit, counting in the cache).
# Behind a proxy, set RATELIMIT_IP_META_KEY (see docs/DEPLOYMENT.md) so each reader counts alone.
SPASMINFO_VOTE_RATE = env.str("VOTE_RATE", default="30/h")
SPASMINFO_SEARCH_RATE = env.str("SEARCH_RATE", default="60/m")
SPASMINFO_PREVIEW_RATE = env.str("PREVIEW_RATE", default="60/m")  # expert preview links, per address
# Comments through expert preview links: per address, and per link per day (each is a timeline row).
SPASMINFO_PREVIEW_COMMENT_RATE = env.str("PREVIEW_COMMENT_RATE", default="10/h")
SPASMINFO_PREVIEW_COMMENTS_PER_DAY = env.int("PREVIEW_COMMENTS_PER_DAY", default=20)
# Readers' posts (stories, reports, questions, subscriptions), one budget per address.
SPASMINFO_READER_POST_RATE = env.str("READER_POST_RATE", default="10/h")
# Public forms carry a signed timestamp (participation/guard.py): older or faster than this is refused.
SPASMINFO_FORM_MIN_SECONDS = env.float("FORM_MIN_SECONDS", default=3)
SPASMINFO_FORM_MAX_AGE = env.int("FORM_MAX_AGE", default=6 * 60 * 60)
SPASMINFO_CALENDAR_RATE = env.str("CALENDAR_RATE", default="30/m")  # reviewers' .ics feeds, per address
# Open readers' reports that hide a story until a moderator looks again.
SPASMINFO_REPORTS_TO_HIDE = env.int("REPORTS_TO_HIDE", default=3)
# suggestions as you type: a reader sends one request per pause in typing
SPASMINFO_SUGGEST_RATE = env.str("SUGGEST_RATE", default="120/m")
RATELIMIT_VIEW = "reader.views.rate_limited"
# django-ratelimit warns about any cache it does not list, Django's own RedisCache included
# (its list predates it); RedisCache increments atomically, and production.py refuses a
# cache that is not shared, so the warning's concern is met. Development's per-process
# cache is fine for one process.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
if env.str("RATELIMIT_IP_META_KEY", default=""):
    RATELIMIT_IP_META_KEY = env.str("RATELIMIT_IP_META_KEY")
# The benchmark's do-nothing view at /__floor__/ (scripts/bench.py); never on in a real deployment.
# Readers' "Was this helpful?" token cookie (random; only its HMAC is stored).
SPASMINFO_VOTER_COOKIE = "spasminfo_voter"
# Content API (/api/v1/, api/v1.py): other apps' routers mounted beside the content, as
# (URL prefix, dotted path of a ninja Router), e.g. ("/questions/", "questions.api.router").
SPASMINFO_API_ROUTERS: list[tuple[str, str]] = []

# --- Email (workflow notifications, review_due --notify) ---------------------------------------
# EMAIL_URL (e.g. smtp+tls://user:password@smtp.example.org:587) or EMAIL_HOST, EMAIL_PORT,
# EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS; neither: printed on the console.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
elif env.str("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.str("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Every mail goes through operations.mail, which puts subjects and headers on one line (a title
# with a line break must not drop a mail), then hands it to the backend chosen above.
SPASMINFO_EMAIL_DELIVERY = EMAIL_BACKEND
EMAIL_BACKEND = "operations.mail.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="spasminfo <noreply@spasminfo.example>")
# Absolute links in emails point here (the admin's own address).
SPASMINFO_SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
