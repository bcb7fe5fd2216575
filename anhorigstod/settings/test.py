"""Tests: the database and broker come from the environment (CI sets PostgreSQL and Redis)."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env("SECRET_KEY", default="test-only-not-secret")
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DEBUG = False
# Fast hashing keeps the suite quick; real hashers are used everywhere else.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Plain storage: tests must not need collectstatic's manifest.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Nor STATIC_ROOT, which a fresh clone does not have: whitenoise looks for files when asked instead of
# listing a folder at start-up (and warning, in every test, that it is missing).
WHITENOISE_AUTOREFRESH = True
# Tasks run in-process unless a test starts a real worker (the celery_on_redis fixture turns this
# off for that test), so ordering a report in a test compiles it where the test can see it.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
