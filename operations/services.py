"""Writes of the operations floor."""

import datetime

from django.utils import timezone

from .models import SubmissionToken

# A form left open longer than this and then sent again saves again: a week covers a page left
# open over a weekend, and the table stays small (one row per saved form).
SUBMISSION_TOKEN_DAYS = 7


def submission_tokens_prune(*, now: datetime.datetime | None = None) -> int:
    """Forget the tokens of submissions older than SUBMISSION_TOKEN_DAYS; return how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=SUBMISSION_TOKEN_DAYS)
    deleted, _ = SubmissionToken.objects.filter(created_at__lt=cutoff).delete()
    return deleted
