import datetime

import pytest

from figures.periods import Period


@pytest.mark.parametrize(
    ("period", "start", "end", "key", "previous_key"),
    [
        (Period.year(2026), "2026-01-01", "2026-12-31", "2026", "2025"),
        (Period.tertial(2026, 1), "2026-01-01", "2026-04-30", "2026-T1", "2025-T3"),
        (Period.tertial(2026, 3), "2026-09-01", "2026-12-31", "2026-T3", "2026-T2"),
        (Period.month(2026, 3), "2026-03-01", "2026-03-31", "2026-03", "2026-02"),
        (Period.month(2024, 2), "2024-02-01", "2024-02-29", "2024-02", "2024-01"),
        (Period.month(2026, 1), "2026-01-01", "2026-01-31", "2026-01", "2025-12"),
        (
            Period.custom(datetime.date(2026, 3, 1), datetime.date(2026, 3, 10)),
            "2026-03-01",
            "2026-03-10",
            "2026-03-01..2026-03-10",
            "2026-02-19..2026-02-28",
        ),
    ],
)
def test_periods_bounds_keys_and_previous(period, start, end, key, previous_key):
    assert (period.start.isoformat(), period.end.isoformat(), period.key) == (start, end, key)
    assert period.previous().key == previous_key


def test_period_containing_a_day_and_its_months():
    period = Period.containing("tertial", datetime.date(2026, 6, 15))

    assert period.key == "2026-T2"
    assert [m.isoformat() for m in period.months()] == ["2026-05-01", "2026-06-01", "2026-07-01", "2026-08-01"]


def test_bad_periods_are_refused():
    with pytest.raises(ValueError):
        Period.tertial(2026, 4)
    with pytest.raises(ValueError):
        Period.custom(datetime.date(2026, 3, 2), datetime.date(2026, 3, 1))
