"""Who is alive: the freshest heartbeat of the Celery workers and of beat.

On the embedded default (no broker, or tasks run eagerly) tasks run in the process that sends them:
there is no worker or beat to miss, and nothing is read.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from celery import current_app
from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from .models import Heartbeat, HeartbeatKind


def tasks_in_process() -> bool:
    """True when tasks run where they are sent (no broker configured, or Celery set to run eagerly)."""
    return not settings.CELERY_BROKER_URL or bool(current_app.conf.task_always_eager)


@dataclass(frozen=True)
class Liveness:
    """The freshest heartbeat of each kind, as read at ``now`` (None: never seen, or in-process)."""

    in_process: bool
    now: datetime.datetime
    worker_at: datetime.datetime | None = None
    beat_at: datetime.datetime | None = None

    @staticmethod
    def _age(at: datetime.datetime | None, now: datetime.datetime) -> float | None:
        return None if at is None else max(0.0, round((now - at).total_seconds(), 1))

    @property
    def worker_age(self) -> float | None:
        return self._age(self.worker_at, self.now)

    @property
    def beat_age(self) -> float | None:
        return self._age(self.beat_at, self.now)

    def _alive(self, age: float | None) -> bool:
        return self.in_process or (age is not None and age <= settings.HEARTBEAT_STALE_SECONDS)

    @property
    def worker_alive(self) -> bool:
        return self._alive(self.worker_age)

    @property
    def beat_alive(self) -> bool:
        return self._alive(self.beat_age)


def liveness() -> Liveness:
    """The workers' and beat's freshest heartbeats: one query, none when tasks run in-process."""
    now = timezone.now()
    if tasks_in_process():
        return Liveness(in_process=True, now=now)
    latest = Heartbeat.objects.aggregate(
        worker=Max("beat_at", filter=Q(kind=HeartbeatKind.WORKER)),
        beat=Max("beat_at", filter=Q(kind=HeartbeatKind.BEAT)),
    )
    return Liveness(in_process=False, now=now, worker_at=latest["worker"], beat_at=latest["beat"])


def worker_alive() -> bool:
    """Is a worker there to run tasks (or do tasks run in-process)? At most one query."""
    return liveness().worker_alive
