"""Heartbeats: a Celery worker's and beat's sign of life (``operations.Heartbeat``).

A daemon thread in the process writes its row (kind, ``<hostname>:<pid>``) every
``HEARTBEAT_SECONDS`` with its own database connection (Django's connections are per thread). A
database that goes away for a while is logged and retried at the next beat: the thread never dies
while its process lives, so a row that stops moving means the process is gone (or cannot reach the
database, which for the service is the same). A clean shutdown deletes the row.

``anhorigstod/celery.py`` starts and stops the threads from Celery's signals; the readers
(``/health/``, the report pages, the admin's front page) use ``operations.selectors``.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import Heartbeat

logger = logging.getLogger(__name__)


def process_name() -> str:
    """This process as heartbeats and running reports name it: ``<hostname>:<pid>``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def heartbeat_write(*, kind: str, name: str, started_at) -> None:
    """Record one beat of the process: one UPDATE, and the row's INSERT the first time."""
    now = timezone.now()
    if not Heartbeat.objects.filter(kind=kind, name=name).update(beat_at=now):
        Heartbeat.objects.update_or_create(
            kind=kind, name=name, defaults={"beat_at": now}, create_defaults={"started_at": started_at, "beat_at": now}
        )


class HeartbeatThread(threading.Thread):
    """Beats every ``interval`` seconds until stopped; survives any error of a single beat."""

    def __init__(self, *, kind: str, name: str | None = None, interval: float | None = None):
        super().__init__(name=f"heartbeat-{kind}", daemon=True)
        self.kind = kind
        self.process = name or process_name()
        self.interval = settings.HEARTBEAT_SECONDS if interval is None else interval
        self.started_at = timezone.now()
        self.beats = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        try:
            while True:
                self._beat()
                if self._stop_event.wait(self.interval):
                    return
        finally:
            connection.close()  # this thread's own connection

    def _beat(self) -> None:
        try:
            heartbeat_write(kind=self.kind, name=self.process, started_at=self.started_at)
            self.beats += 1
        except Exception:  # a database blip must not end the heartbeat
            logger.warning("Heartbeat of %s %s not written; retrying", self.kind, self.process, exc_info=True)
            # A broken connection is dropped, so that the next beat opens a new one.
            try:
                connection.close()
            except Exception:
                logger.debug("Closing the heartbeat's broken connection failed", exc_info=True)

    def stop(self, *, forget: bool = True) -> None:
        """Stop beating; with ``forget``, delete the row (a clean shutdown is not a dead process)."""
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout=max(5.0, self.interval))
        if forget:
            try:
                Heartbeat.objects.filter(kind=self.kind, name=self.process).delete()
            except Exception:  # shutting down with the database gone: the row goes stale
                logger.warning("Heartbeat of %s %s not removed", self.kind, self.process, exc_info=True)


_threads: dict[str, HeartbeatThread] = {}
_lock = threading.Lock()


def heartbeat_start(kind: str) -> HeartbeatThread:
    """Start this process's heartbeat of ``kind`` (once; a second call returns the running thread)."""
    with _lock:
        thread = _threads.get(kind)
        if thread is None or not thread.is_alive():
            thread = _threads[kind] = HeartbeatThread(kind=kind)
            thread.start()
        return thread


def heartbeat_stop(kind: str) -> None:
    """Stop this process's heartbeat of ``kind`` and remove its row (a clean shutdown)."""
    with _lock:
        thread = _threads.pop(kind, None)
    if thread is not None:
        thread.stop()
