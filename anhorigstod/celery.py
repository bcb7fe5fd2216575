"""The Celery app.

With ``CELERY_BROKER_URL`` unset, tasks run in-process (eagerly) so that the app works on its
embedded default with no services; with it set, a real worker on Redis runs them.

Workers and beat beat a heartbeat (``operations.heartbeats``): a thread in the worker's main process
from ``worker_ready`` to ``worker_shutdown``, and one in beat from ``beat_init`` to its exit. Beat
also sends the sweep of interrupted reports (``followup.sweep_reports``) every
``REPORT_STALE_SECONDS``.
"""

import atexit
import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anhorigstod.settings.local")

app = Celery("anhorigstod")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# With LOG_FORMAT=json (production's default) the worker's and beat's lines are JSON like the web's.
@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def _json_logs(logger=None, **kwargs):
    # Imported here, as in the handlers below: this module loads before Django's app registry.
    from anhorigstod.request_log import worker_logs_as_json

    worker_logs_as_json(logger)


@app.on_after_configure.connect
def _sweep_schedule(sender, **kwargs):
    from django.conf import settings

    # A report whose worker died is found by its stale heartbeat: sweeping as often as a heartbeat goes
    # stale requeues it within twice REPORT_STALE_SECONDS (the report's page does it sooner when read).
    sender.add_periodic_task(
        float(settings.REPORT_STALE_SECONDS), sender.signature("followup.sweep_reports"), name="sweep-reports"
    )


# Imported inside the handlers: this module is loaded before Django's app registry is ready.
@signals.worker_ready.connect
def _worker_heartbeat_start(sender=None, **kwargs):
    from operations.heartbeats import heartbeat_start
    from operations.models import HeartbeatKind

    heartbeat_start(HeartbeatKind.WORKER)


@signals.worker_shutdown.connect
def _worker_heartbeat_stop(sender=None, **kwargs):
    from operations.heartbeats import heartbeat_stop
    from operations.models import HeartbeatKind

    heartbeat_stop(HeartbeatKind.WORKER)


@signals.beat_init.connect
def _beat_heartbeat_start(sender=None, **kwargs):
    from operations.heartbeats import heartbeat_start, heartbeat_stop
    from operations.models import HeartbeatKind

    heartbeat_start(HeartbeatKind.BEAT)
    # Beat has no shutdown signal: its clean exit (SIGTERM, Ctrl-C) runs the interpreter's exit hooks.
    atexit.register(heartbeat_stop, HeartbeatKind.BEAT)
