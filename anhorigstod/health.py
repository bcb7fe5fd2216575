"""The health check for the proxy and monitoring: the database, the broker, the workers and beat.

``GET /health/`` answers JSON, 200 when everything is up and 503 when anything is down or stale:

- ``database``: ``ok`` or ``error`` (``SELECT 1`` on the app's own connection);
- ``broker``: ``ok``, ``error`` (nothing answered within a second), or ``in-process`` on the embedded
  default (no broker: tasks run in the web process);
- ``worker`` and ``beat``: ``ok``, ``stale`` (the freshest heartbeat is older than
  ``HEARTBEAT_STALE_SECONDS``), ``missing`` (none ever written, or removed by a clean shutdown),
  ``unknown`` (the database is down, so the heartbeats cannot be read) or ``in-process``;
- ``worker_age_seconds`` and ``beat_age_seconds``: the age of the freshest heartbeat (null when
  there is none, or in-process); ``stale_after_seconds``: the limit they are judged by.
"""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from kombu import Connection

from operations.selectors import liveness, tasks_in_process

BROKER_TIMEOUT_SECONDS = 1


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # whatever the reason, the database is not usable
        return False


def _broker_ok(url: str) -> bool:
    timeouts = {"socket_connect_timeout": BROKER_TIMEOUT_SECONDS, "socket_timeout": BROKER_TIMEOUT_SECONDS}
    try:
        with Connection(url, connect_timeout=BROKER_TIMEOUT_SECONDS, transport_options=timeouts) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT_SECONDS)
        return True
    except Exception:  # refused, timed out, bad credentials: the broker is not usable
        return False


def _heartbeats(database_ok: bool) -> dict:

    if tasks_in_process():
        return {"worker": "in-process", "beat": "in-process", "worker_age_seconds": None, "beat_age_seconds": None}
    if not database_ok:
        return {"worker": "unknown", "beat": "unknown", "worker_age_seconds": None, "beat_age_seconds": None}
    try:
        alive = liveness()
    except Exception:  # the database went away between the two queries
        return {"worker": "unknown", "beat": "unknown", "worker_age_seconds": None, "beat_age_seconds": None}

    def state(age, is_alive):
        return "missing" if age is None else ("ok" if is_alive else "stale")

    return {
        "worker": state(alive.worker_age, alive.worker_alive),
        "beat": state(alive.beat_age, alive.beat_alive),
        "worker_age_seconds": alive.worker_age,
        "beat_age_seconds": alive.beat_age,
    }


@never_cache
def health(request):
    database_ok = _database_ok()
    status = {"database": "ok" if database_ok else "error", "broker": "in-process"}
    if settings.CELERY_BROKER_URL:
        status["broker"] = "ok" if _broker_ok(settings.CELERY_BROKER_URL) else "error"
    status |= _heartbeats(database_ok)
    status["stale_after_seconds"] = settings.HEARTBEAT_STALE_SECONDS
    healthy = (
        status["database"] == "ok"
        and status["broker"] in ("ok", "in-process")
        and status["worker"] in ("ok", "in-process")
        and status["beat"] in ("ok", "in-process")
    )
    return JsonResponse(status, status=200 if healthy else 503)
