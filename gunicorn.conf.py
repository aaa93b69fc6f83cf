"""gunicorn settings for production (README, "Production"): `gunicorn -c gunicorn.conf.py`.

Threaded workers (`gthread`), not the default sync ones: a sync worker serves
one connection at a time and waits on it, so four clients sending their headers
slowly held both workers and /healthz went unanswered for 36 s. A gthread
worker waits for a connection's first bytes in its poller, not in a thread, and
serves the rest on one of its threads, so a few slow clients take a few threads
out of `workers × threads`. nginx in front (README) is still required: it reads
each request whole, headers and body, before passing it on, which is what
really protects the workers from slow or huge requests.

Every value can be overridden from the environment (GUNICORN_*), or on the
command line.
"""

import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", 2)
threads = _int("GUNICORN_THREADS", 8)
# A request that takes longer than this (a big import) is cut off and the worker restarted.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
# Idle kept-alive connections are closed after this many seconds.
keepalive = 5
# Bounded request heads (gunicorn's defaults, stated): a 400 instead of memory use.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# Logs to standard error (journald under systemd).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
