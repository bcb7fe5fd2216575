from celery import shared_task

from .services import submission_tokens_prune


@shared_task(name="operations.prune_submission_tokens", ignore_result=True)
def prune_submission_tokens() -> int:
    """Nightly: forget old one-time submission tokens (idempotent)."""
    return submission_tokens_prune()
