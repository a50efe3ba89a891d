"""gunicorn settings for production, all from the environment (see docs/DEPLOYMENT.md).

    gunicorn -c gunicorn.conf.py spasminfo.wsgi

PORT / BIND        where to listen (BIND wins; default 127.0.0.1:$PORT, PORT default 8000)
WEB_CONCURRENCY    worker processes (default 2 x cores + 1)
GUNICORN_THREADS   threads per worker (default 4; gthread workers keep client connections alive)
GUNICORN_TIMEOUT   seconds before a stuck worker is replaced (default 30)
ACCESS_LOG         "-" for stdout (default), a file path, or "" to turn the access log off
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


bind = os.environ.get("BIND") or f"127.0.0.1:{_int('PORT', 8000)}"
workers = _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Optionally recycle workers after N requests (e.g. 10000, jitter 1000) to bound a slow leak;
# off by default so memory measurements see one long-lived worker.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)  # 0: never
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 0)

accesslog = os.environ.get("ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# Only the local proxy may say a request came in over HTTPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
