"""Settings shared by every environment. Every variable is read from the environment once, here.

See README.md and .env.example for the list of variables.
"""

from datetime import timedelta
from pathlib import Path

import bootstrap_wrapper
import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env file is optional; the real environment always wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# SECRET_KEY, DEBUG and ALLOWED_HOSTS are set per environment (local.py, test.py, production.py).

# Nothing here creates a folder or file: importing the settings must not write to the disk. Writable
# paths come from the environment (DATABASE_URL's SQLite file, STATIC_ROOT); the SQLite backend creates
# its file's folder when it connects, collectstatic creates STATIC_ROOT.
# The embedded default (local and tests only: production.py refuses it) is a SQLite file under var/;
# PostgreSQL via DATABASE_URL=postgres://...
# (Unset or empty alike, as `DATABASE_URL=` copied from .env.example.)
_database_url = env.str("DATABASE_URL", default="").strip() or f"sqlite:///{BASE_DIR / 'var' / 'anhorigstod.sqlite3'}"
DATABASES = {"default": env.db_url_config(_database_url)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite as Django has it, but an id too large for any column finds nothing instead of crashing.
    DATABASES["default"]["ENGINE"] = "anhorigstod.sqlite_backend"
# Persistent connections: opening one costs about 10 ms on PostgreSQL, a tenth of a dashboard's
# budget. Health checks drop a connection the database has closed before it is reused.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that drops packets instead of refusing them must not hold a web worker (or
    # /health/) until the operating system gives up: the request answers 503 within seconds.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(env.str("DATABASE_CONNECT_TIMEOUT", default="").strip() or 5)
    )
    # Our server-side cursors (QuerySet.iterator) always read every row: plan them for that, not for
    # the first tenth (PostgreSQL's default picks fast-start plans ten times slower here). No JIT:
    # our queries' cost estimates cross its threshold while they run in milliseconds, and compiling
    # took up to 0.9 s of a 13-month outcome query that runs in 0.15 s without it.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c cursor_tuple_fraction=1.0 -c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "anhorigstod.apps.AnhorigstodAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    # Before our apps: followup's admin narrows its schedules admin for strategists.
    "django_celery_beat",
    "accounts",
    "districts",
    "interventions",
    "consultants",
    "caregivers",
    # The figures engine: below every app that defines figures, above the domain's base (issue 16).
    "figures",
    "followup",
    "approvals",
    "outcomes",
    "goals",
    "representatives",
    "collaboration",
    # What an installation is loaded with: reference data and demo generators (issue 16).
    "benchmark",
    "reference",
    # The service's own floor: one-time submission tokens, heartbeats, backups (issue 15).
    "operations",
    "django_filters",
    # Security and personal data (issue 6).
    "auditlog",
    "audit",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
]

MIDDLEWARE = [
    # Outermost: a request id and one JSON line per request, whatever answers it.
    "anhorigstod.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the body: an undecodable charset or an absurd formset count is a 400.
    "anhorigstod.request_guards.RequestGuardMiddleware",
    "csp.middleware.CSPMiddleware",
    # Django's, but a session renewal lost to a database outage keeps the view's answer.
    "anhorigstod.middleware.OutageTolerantSessionMiddleware",
    "anhorigstod.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks a session verified by a one-time password; accounts' middleware then demands it.
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "accounts.middleware.AnalystBoundaryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Every logged change and access gets the signed-in user as its actor.
    "audit.middleware.AuditlogMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
    # Innermost: a form carrying a one-time token runs its view once (operations/submissions.py).
    "operations.middleware.OneSubmissionMiddleware",
]

ROOT_URLCONF = "anhorigstod.urls"
WSGI_APPLICATION = "anhorigstod.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
# Roles grant permissions (accounts/permissions.py); the model backend still authenticates.
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "accounts.permissions.RolePermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "followup:start"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Swedish first, English second; times stored in UTC, shown in Stockholm time.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Stockholm"
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
# Where collectstatic writes (and whitenoise serves from without DEBUG); created by collectstatic.
# (A relative path is taken from the project folder; unset or empty: var/static.)
STATIC_ROOT = BASE_DIR / (env.str("STATIC_ROOT", default="").strip() or "var/static")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap comes from a pinned wheel at install time; nothing third-party is committed.
    ("bootstrap", bootstrap_wrapper.get_bootstrap_dir()),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The cache of figure pages (figures.moment_cache, keyed by the data itself, so never stale): in Redis
# when CACHE_URL is set (several web nodes share it), else in each process's memory.
_cache_url = env.str("CACHE_URL", default="").strip()
CACHES = {
    "default": env.cache_url_config(_cache_url)
    if _cache_url
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 500}}
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A Redis gone away must cost a page half a second, not hang it: the page is then computed.
    CACHES["default"].setdefault("OPTIONS", {}).update(socket_connect_timeout=0.5, socket_timeout=0.5)

# Celery: unset broker means tasks run in-process, so the embedded default needs no services.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="").strip()
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message a killed worker held is handed out again after this many seconds (acks are late, and the
# report task is idempotent, so a second delivery is harmless). Matched to the task time limit: no
# task runs longer, so no live task's message is handed out twice. A report whose worker died is
# found much sooner by its stopped heartbeat (REPORT_STALE_SECONDS) and requeued by the sweep.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 60),
    # How often a worker sweeps for such messages: every interval x throttle seconds (kombu's 10 x 10).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
}
# Ordering a report with the broker down must answer quickly with a message, not hang the request.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
# Schedules live in the database and are edited in the admin (django-celery-beat); the entries below
# are written there when beat starts, the report schedules by a migration of followup.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # Erases caregivers past the retention period (CAREGIVER_RETENTION_YEARS), nightly.
    "erase-expired-caregivers": {
        "task": "caregivers.erase_expired_caregivers",
        "schedule": crontab(hour=3, minute=15),
    },
    # Forgets one-time form tokens older than a week (operations.services.SUBMISSION_TOKEN_DAYS).
    "prune-submission-tokens": {
        "task": "operations.prune_submission_tokens",
        "schedule": crontab(hour=3, minute=45),
    },
}

# Heartbeats (operations.Heartbeat): workers and beat write one every HEARTBEAT_SECONDS; one older than
# HEARTBEAT_STALE_SECONDS means the process is gone (/health/ answers 503, the report pages say so).
HEARTBEAT_SECONDS = env.int("HEARTBEAT_SECONDS", default=10)
HEARTBEAT_STALE_SECONDS = env.int("HEARTBEAT_STALE_SECONDS", default=120)
# A running report's own heartbeat (written while it compiles); older than this, its worker died.
REPORT_HEARTBEAT_SECONDS = env.int("REPORT_HEARTBEAT_SECONDS", default=5)
REPORT_STALE_SECONDS = env.int("REPORT_STALE_SECONDS", default=30)

# Sessions end after this many seconds without a request. A request renews its session when the
# last renewal is SESSION_RENEW_SECONDS old (anhorigstod.middleware), not each time: a read writes
# nothing, so pages of figures can be served again while the data is unchanged.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
SESSION_RENEW_SECONDS = env.int("SESSION_RENEW_SECONDS", default=60)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Login protection: after LOGIN_FAILURE_LIMIT failed attempts on one account, or from one address,
# that account or address is locked for LOGIN_LOCKOUT_MINUTES. A successful login clears the count,
# so an office sharing one public address is not locked out by a colleague's typing.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# The user name as axes stores it: cut to its column, so a scanner's 10,000-character name is a
# failed login, not a server error (jazzband/django-axes#1381).
AXES_USERNAME_CALLABLE = "accounts.lockout.login_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind the TLS proxy every request comes from the proxy's address. With TRUSTED_PROXY_COUNT set
# (production behind one proxy: 1) the client's address is read from X-Forwarded-For (django-ipware),
# taking the entry our outermost proxy appended: what a client writes into the header itself is
# ignored. (ipware counts only the proxies listed in the header, one fewer than in front of us.)
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1 if TRUSTED_PROXY_COUNT else None
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if TRUSTED_PROXY_COUNT else ("REMOTE_ADDR",)
# A client may send its own X-Forwarded-For entries before ours: count proxies from the right and
# accept longer chains (ipware's strict mode would fall back to the proxy's own address).
IPWARE_STRICT = False

# Two-factor login (TOTP): anyone may turn it on; with TWO_FACTOR_REQUIRED strategists and
# administrators must.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=False)
OTP_TOTP_ISSUER = "Anhörigstöd"
# The device admin (administrators remove a lost phone's device there) must not show users' secret
# keys or QR codes: an administrator could otherwise copy someone's second factor.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# The audit log (django-auditlog) writes to our own entry model, which knows its districts.
AUDITLOG_LOGENTRY_MODEL = "audit.AuditEntry"

# Caregivers with no contact for this many years are erased by a scheduled job.
CAREGIVER_RETENTION_YEARS = env.int("CAREGIVER_RETENTION_YEARS", default=3)

# Content-Security-Policy (django-csp) in every environment, so the tests see what production sends:
# nothing inline, nothing from another host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Bootstrap draws its form and menu icons as data: SVG images.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Logs go to standard error, one line per record: readable text here, JSON lines (LOG_FORMAT=json, the
# default in production) for a log collector. Every record carries the request's id (and the user's
# id once the request knows its user) through anhorigstod.request_log, which also writes one line per
# request. No name, user name or caregiver label is ever logged: users appear by id only.
LOG_FORMAT = env.str("LOG_FORMAT", default="").strip() or "text"
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "anhorigstod.request_log.RequestContextFilter"}},
    "formatters": {
        "text": {
            "()": "logging.Formatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            "defaults": {"request_id": "-"},
        },
        "json": {"()": "anhorigstod.request_log.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request"], "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Errors go to Sentry when SENTRY_DSN is set (local.py and production.py start it; tests never do).
SENTRY_DSN = env.str("SENTRY_DSN", default="").strip()
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="").strip() or "local"
