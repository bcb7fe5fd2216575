from celery import shared_task

from .snapshots import REFRESH_TASK, figures_refresh


@shared_task(name=REFRESH_TASK, ignore_result=True, time_limit=15 * 60, soft_time_limit=14 * 60)
def refresh_figures() -> int:
    """Bring the precomputed figures up to date with what was logged since the last run (idempotent).

    Only one refresh runs at a time: one that finds another running skips (the next beat comes soon)."""
    return figures_refresh(wait=False)
