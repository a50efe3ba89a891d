"""Production: refuses to start without a secret key and explicit hosts.

Served by gunicorn (gunicorn.conf.py) with WhiteNoise for static files; behind a
TLS-terminating proxy set SECURE_PROXY_SSL_HEADER. Every security setting here
passes `manage.py check --deploy` with its default; see docs/DEPLOYMENT.md.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import MIDDLEWARE, env

if DEBUG:  # noqa: F405
    raise ImproperlyConfigured("DEBUG must be off in production (unset DEBUG or set DEBUG=0).")
if not env.list("ALLOWED_HOSTS", default=[]):
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production, e.g. ALLOWED_HOSTS=spasminfo.example")

# --- Database: persistent connections, checked before reuse, so a restarted
# PostgreSQL is picked up again by itself; a short connect timeout so an
# unreachable database gives a quick 503 instead of a hung worker.
for _database in DATABASES.values():  # noqa: F405  (the primary, and the replica if any)
    _database["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    _database["CONN_HEALTH_CHECKS"] = True
    _timeout = env.int("DATABASE_CONNECT_TIMEOUT", default=3)
    _database.setdefault("OPTIONS", {}).setdefault("connect_timeout", _timeout)

# --- Static files: hashed names, compressed variants (gzip, and Brotli when the
# brotli package is installed), served by WhiteNoise with far-future headers.
_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")
MIDDLEWARE = [*MIDDLEWARE[: _security + 1], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[_security + 1 :]]
STORAGES = {
    "default": media_storage(),  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- HTTPS: redirect, HSTS, secure cookies.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)  # one year
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
if env.str("SECURE_PROXY_SSL_HEADER", default=""):
    # e.g. SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO: trust the proxy's word that
    # the request came in over HTTPS. Only behind a proxy that always sets the header.
    SECURE_PROXY_SSL_HEADER = (env.str("SECURE_PROXY_SSL_HEADER"), "https")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
# The admin reads the CSRF token from its forms, never from the cookie.
CSRF_COOKIE_HTTPONLY = env.bool("CSRF_COOKIE_HTTPONLY", default=True)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Page caching and rate limits must be shared by every server process: a per-process
# cache would let one worker serve a page another worker's change has invalidated.
if CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache")):  # noqa: F405
    raise ImproperlyConfigured(
        "CACHE_URL must point at a shared cache in production, e.g. CACHE_URL=redis://127.0.0.1:6379/0 "
        "(page caching and rate limits are shared by every server process)."
    )

# --- The database: named, never the development default (the embedded server of `make run`).
if not env.str("DATABASE_URL", default=""):
    raise ImproperlyConfigured("DATABASE_URL must be set in production, e.g. DATABASE_URL=postgres://user@db/spasminfo")
