"""Production: every secret and service from the environment, no defaults; HTTPS behind a proxy.

Start-up (gunicorn, the worker, `manage.py check`) stops with ImproperlyConfigured naming the
variable when SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL (PostgreSQL only: the embedded SQLite default
is for local work and tests) or CELERY_BROKER_URL is missing: a half-configured server must not
quietly run on a SQLite file with its tasks in the web process. Logs are JSON lines (LOG_FORMAT),
errors go to Sentry when SENTRY_DSN is set.

base.py already sends, in every environment: the Content-Security-Policy (django-csp: nothing
inline, nothing from another host), X-Frame-Options DENY, X-Content-Type-Options nosniff,
Referrer-Policy same-origin and HttpOnly session and CSRF cookies. Here: what only makes sense
over HTTPS. anhorigstod/tests/test_security_headers.py checks what this file makes production send,
and that `manage.py check --deploy` finds nothing.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOGGING, MIDDLEWARE, SENTRY_DSN, env


def _missing(name: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"Set the {name} environment variable: production settings do not start without it (README.md, Configuration)."
    )


def _required(name: str) -> str:
    value = env.str(name, default="").strip()
    if not value:
        raise _missing(name)
    return value


DEBUG = False
SECRET_KEY = _required("SECRET_KEY")
ALLOWED_HOSTS = [host.strip() for host in env.list("ALLOWED_HOSTS", default=[]) if host.strip()]
if not ALLOWED_HOSTS:
    raise _missing("ALLOWED_HOSTS")
# base.py has read the same variable into DATABASES.
if env.db_url_config(_required("DATABASE_URL"))["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "DATABASE_URL must name a PostgreSQL database (postgres://USER:PASSWORD@HOST:5432/NAME) in "
        "production; the SQLite default is for local work and tests only."
    )
# base.py has read it too: with a broker, tasks go to the workers, not the web process.
_required("CELERY_BROKER_URL")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The proxy terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A plain-HTTP request is redirected to HTTPS before it reaches any view.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# HSTS: once seen, the browser uses HTTPS only for a year, on every subdomain, so no later request
# (nor a typed http:// address) can be downgraded and its session cookie read on the way.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Our window keeps no reference to a window another site opened, nor that site to ours (Django's
# default, stated here because the security review reads this file).
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Cookies: sent over HTTPS only; the __Host- prefix makes the browser refuse them unless they are
# Secure, for this exact host and path / (no subdomain can set or overwrite them).
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
# SameSite=Lax: no cookie rides along on another site's POST or embedded request (a second guard
# besides the CSRF token). Not Strict: a link to the app from the intranet or an e-mail would
# then open on the login page although the user is logged in.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# The language switch's cookie like the others: HTTPS only, not readable by scripts, host-only.
LANGUAGE_COOKIE_NAME = "__Host-language"
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Permissions-Policy: the app uses no powerful browser feature, so none is granted to any page,
# frame or injected script (anhorigstod.middleware.PermissionsPolicyMiddleware sends it).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
# Outermost, so the HTTPS redirect and every error page carry it too.
MIDDLEWARE = ["anhorigstod.middleware.PermissionsPolicyMiddleware", *MIDDLEWARE]

# JSON lines by default, for the log collector (LOG_FORMAT=text for a person reading a console).
LOG_FORMAT = env.str("LOG_FORMAT", default="").strip() or "json"
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
LOGGING = {**LOGGING, "handlers": {"console": {**LOGGING["handlers"]["console"], "formatter": LOG_FORMAT}}}

SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="").strip() or "production"
if SENTRY_DSN:
    from anhorigstod.error_reporting import sentry_start

    sentry_start(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT)
