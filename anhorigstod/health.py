"""A health check for the proxy and operations: the database, and the broker if one is configured."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .celery import app as celery_app


@never_cache
def health(request):
    status = {"database": "ok", "broker": "in-process"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        status["database"] = "error"
    if settings.CELERY_BROKER_URL:
        try:
            with celery_app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            status["broker"] = "ok"
        except Exception:
            status["broker"] = "error"
    healthy = status["database"] == "ok" and status["broker"] != "error"
    return JsonResponse(status, status=200 if healthy else 503)
