from celery import shared_task

from .services import caregivers_erase_expired


@shared_task(
    name="caregivers.erase_expired_caregivers", ignore_result=True, time_limit=60 * 60, soft_time_limit=55 * 60
)
def erase_expired_caregivers() -> int:
    """Celery beat's nightly retention job (idempotent: a second run erases nothing new)."""
    return sum(run.erased_count for run in caregivers_erase_expired())
