"""Development on the embedded default: SQLite, tasks in-process, DEBUG on."""

from .base import *  # noqa: F403
from .base import SENTRY_DSN, SENTRY_ENVIRONMENT, env

DEBUG = env.bool("DEBUG", default=True)
# Only for local development; production.py demands a real secret.
SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-secret")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

if SENTRY_DSN:
    from anhorigstod.error_reporting import sentry_start

    sentry_start(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT)
