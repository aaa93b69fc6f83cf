"""Settings for reliefjobs, read from the environment (see README, "Configuration")."""

import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from reliefjobs.env import env_bool, env_int, env_list, env_str
from reliefjobs.lib import email_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=True)
TESTING = env_bool("RELIEFJOBS_TESTING", default="pytest" in sys.modules)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0 (production)."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if DEBUG else []
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_jalali",
    "simple_history",
    "axes",
    "reliefjobs",  # its system checks (reliefjobs/checks.py)
    "programs",
    "loans",
    "reports",
    "notices",
]

MIDDLEWARE = [
    # A warm dashboard or API answer, sent again as it was answered, with every
    # header the middleware below set on it (reports/warm.py). It reads no body
    # and leaves any request with one to the rest.
    "reports.warm.WarmPageMiddleware",
    # Before anything else reads a body over the limit (reliefjobs/limits.py).
    "reliefjobs.limits.RequestBodyLimitMiddleware",
    # The security headers wrap every answer, including /healthz below.
    "django.middleware.security.SecurityMiddleware",
    "reliefjobs.security.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "reliefjobs.security.RejectNulBytesMiddleware",
    # /healthz needs none of what follows (reliefjobs/health.py).
    "reliefjobs.health.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "reliefjobs.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "reliefjobs.security.SessionActivityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

# The largest request the app reads (spreadsheet uploads); nginx's client_max_body_size matches.
RELIEFJOBS_MAX_REQUEST_BYTES = env_int("RELIEFJOBS_MAX_REQUEST_MB", 20) * 1024 * 1024

ROOT_URLCONF = "reliefjobs.urls"
WSGI_APPLICATION = "reliefjobs.wsgi.application"

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
                "django.template.context_processors.i18n",
                "programs.context_processors.scope",
                "notices.context_processors.bell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "programs.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with the per-request user look-up cached (reliefjobs/auth.py).
    "reliefjobs.auth.CachedModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# The work list ("what waits for me") is the first page after logging in.
LOGIN_REDIRECT_URL = "notices:home"
LOGOUT_REDIRECT_URL = "login"

# Cached sessions: a logged-in request should not cost two extra queries.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# An inactivity timeout, not a fixed lifetime: reliefjobs.security.
# SessionActivityMiddleware restarts it at most once a minute while in use.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_AGE", 8 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True

CACHE_URL = env_str("CACHE_URL")
if CACHE_URL.startswith("redis://"):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "reliefjobs",
            # The cache is an accelerator, never the only copy (sessions are
            # cached_db, figures live in the database): when Redis is down,
            # pages are built from the database and saves still succeed;
            # tests/test_multiworker.py shows it with three gunicorn workers.
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
elif CACHE_URL == "db://" or not CACHE_URL and not DEBUG:
    # Shared by every worker with no extra service; `migrate` makes its table
    # (reliefjobs/migrations/0001_cache_table.py). Also the production default:
    # with debug off and no CACHE_URL the workers still share one cache, so a
    # logout or a save is seen by all of them (Redis is faster).
    CACHES = {
        "default": {
            # Django's DatabaseCache with a cheaper read (reliefjobs/dbcache.py).
            "BACKEND": "reliefjobs.dbcache.DatabaseCache",
            "LOCATION": "reliefjobs_cache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
elif CACHE_URL:
    raise ImproperlyConfigured(f"CACHE_URL must be redis://… or db://, not {CACHE_URL!r}")
else:
    # One process only (runserver, tests); the dashboards' entries and the
    # sessions share it, so allow more than the default 300.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# Bounded reading of every imported or uploaded file (programs/reading.py; README
# "Configuration"): a file past one of these is refused whole, nothing saved.
IMPORT_MAX_FILE_MB = env_int("RELIEFJOBS_IMPORT_MAX_FILE_MB", 40, minimum=1)
IMPORT_MAX_UNPACKED_MB = env_int("RELIEFJOBS_IMPORT_MAX_UNPACKED_MB", 256, minimum=1)
IMPORT_MAX_ROWS = env_int("RELIEFJOBS_IMPORT_MAX_ROWS", 400_000, minimum=1)
IMPORT_MAX_COLUMNS = env_int("RELIEFJOBS_IMPORT_MAX_COLUMNS", 200, minimum=1)
IMPORT_MAX_CELL_CHARS = env_int("RELIEFJOBS_IMPORT_MAX_CELL_CHARS", 1000, minimum=1)
IMPORT_MAX_SECONDS = env_int("RELIEFJOBS_IMPORT_MAX_SECONDS", 300, minimum=1)

# Lock-out by username and address (reliefjobs/lockout.py, docs/permissions.md).
AXES_FAILURE_LIMIT = env_int("RELIEFJOBS_LOGIN_FAILURES", 5)
RELIEFJOBS_LOGIN_FAILURES_PER_USERNAME = env_int("RELIEFJOBS_LOGIN_FAILURES_PER_USERNAME", 20)
if not 0 < AXES_FAILURE_LIMIT <= RELIEFJOBS_LOGIN_FAILURES_PER_USERNAME:
    raise ImproperlyConfigured(
        "RELIEFJOBS_LOGIN_FAILURES must be at least 1 and at most "
        "RELIEFJOBS_LOGIN_FAILURES_PER_USERNAME."
    )
RELIEFJOBS_LOCKOUT_MINUTES = env_int("RELIEFJOBS_LOCKOUT_MINUTES", 15)
if RELIEFJOBS_LOCKOUT_MINUTES < 1:
    raise ImproperlyConfigured("RELIEFJOBS_LOCKOUT_MINUTES must be at least 1.")
AXES_COOLOFF_TIME = timedelta(minutes=RELIEFJOBS_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "reliefjobs.lockout.LockoutHandler"
# Behind nginx every request comes from 127.0.0.1: count the trusted proxies in front.
RELIEFJOBS_PROXY_COUNT = env_int("RELIEFJOBS_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "reliefjobs.lockout.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = not TESTING or env_bool("RELIEFJOBS_AXES_IN_TESTS", default=False)

LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", _("Persian")), ("en", _("English"))]
# One catalogue per area of the app (locale/<area>/fa/LC_MESSAGES/django.po),
# compiled .mo files committed so a fresh machine needs no GNU gettext.
LOCALE_PATHS = sorted(path for path in (BASE_DIR / "locale").glob("*") if path.is_dir())
TIME_ZONE = "Asia/Tehran"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
_VAZIRMATN = BASE_DIR / "node_modules" / "vazirmatn"
# Only the web fonts of the npm package `vazirmatn` (installed by make), never a CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/vazirmatn", _VAZIRMATN / "fonts" / "webfonts"),
    ("vendor/vazirmatn-fd", _VAZIRMATN / "misc" / "Farsi-Digits" / "fonts" / "webfonts"),
    # plotly.js's cartesian partial bundle from npm (bar, scatter, heatmap: every
    # trace the dashboards draw), a third of the full bundle; never a CDN.
    ("vendor/plotly", BASE_DIR / "node_modules" / "plotly.js-cartesian-dist-min"),
]
# Production: hashed names + compressed copies, so static files are cached
# for a year (reliefjobs/storage.py tolerates django-jalali's missing images).
# Development and tests serve the files as they are, from the finders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if DEBUG or TESTING
        else "reliefjobs.storage.StaticStorage"
    },
}
WHITENOISE_MAX_AGE = 60 if DEBUG else 31536000
# Without collectstatic (development, tests), serve straight from the finders.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# Production hardening (see `manage.py check --deploy`).
SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", default=not DEBUG)
SECURE_SSL_REDIRECT = SSL_REDIRECT
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and not SSL_REDIRECT:
    # A TLS proxy in front already redirects; tell check --deploy so.
    SILENCED_SYSTEM_CHECKS = ["security.W008"]

# Email (reminders): EMAIL_URL like smtp://user:pass@host:587 (reliefjobs/lib/email_url.py);
# the console in development.
try:
    globals().update(email_url.parse(env_str("EMAIL_URL", "console://")))
except ValueError as error:
    raise ImproperlyConfigured(str(error)) from error
DEFAULT_FROM_EMAIL = env_str("EMAIL_FROM", "reliefjobs <noreply@localhost>")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# The address reminders link to (e.g. https://jobs.example.ir); empty: relative links.
SITE_URL = env_str("RELIEFJOBS_SITE_URL").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
