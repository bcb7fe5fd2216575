"""Values in force from one day to another (allocations, budgets): their mean over a period."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Hashable, Iterable

Valid = tuple[Hashable, float, datetime.date, datetime.date | None]  # key, value, first day, last day


def _overlap(start: datetime.date, end: datetime.date, first: datetime.date, last: datetime.date | None) -> int:
    return max(0, (min(end, last or end) - max(start, first)).days + 1)


def mean_over_period(rows: Iterable[Valid], *, start: datetime.date, end: datetime.date) -> dict[Hashable, float]:
    """Per key, the values in force added up and averaged over every day of ``start``..``end``: a
    value in force for half the period counts half. Days without any row count as zero (an FTE
    nobody held). Rounded to 4 decimals, so whole-period values come out as they were entered."""
    days = (end - start).days + 1
    totals: dict[Hashable, float] = defaultdict(float)
    for key, value, first, last in rows:
        totals[key] += value * _overlap(start, end, first, last)
    return {key: round(total / days, 4) for key, total in totals.items()}


def mean_over_covered_days(rows: Iterable[Valid], *, start: datetime.date, end: datetime.date) -> dict[Hashable, float]:
    """Per key, the mean of the values in force over the days of ``start``..``end`` that some row
    covers (a budget known for part of the period is that part's budget); keys with no row in the
    period are absent (unknown)."""
    weighted: dict[Hashable, float] = defaultdict(float)
    covered: dict[Hashable, int] = defaultdict(int)
    for key, value, first, last in rows:
        days = _overlap(start, end, first, last)
        weighted[key] += value * days
        covered[key] += days
    return {key: round(weighted[key] / covered[key], 4) for key in weighted if covered[key]}
