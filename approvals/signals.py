"""Signals of the monthly cycle, for the floors above to hear without approvals knowing them."""

from django.dispatch import Signal

# Sent inside the reopening's transaction, after the reopening is saved, with ``reopening`` (the
# MonthReopening row; ``from_status`` says whether the month had been accepted).
month_reopened = Signal()
