from celery import shared_task

from .snapshots import figures_refresh


@shared_task(name="followup.refresh_figures", ignore_result=True, time_limit=15 * 60, soft_time_limit=14 * 60)
def refresh_figures() -> int:
    """Bring the precomputed figures up to date with what was logged since the last run (idempotent)."""
    return figures_refresh()
