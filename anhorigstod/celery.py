"""The Celery app.

With ``CELERY_BROKER_URL`` unset, tasks run in-process (eagerly) so that the app works on its
embedded default with no services; with it set, a real worker on Redis runs them.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anhorigstod.settings.local")

app = Celery("anhorigstod")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
