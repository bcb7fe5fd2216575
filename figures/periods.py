"""Follow-up periods: a year, a tertial (four months), a month, or a custom range of days."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

YEAR, TERTIAL, MONTH, CUSTOM = "year", "tertial", "month", "custom"
KINDS = (YEAR, TERTIAL, MONTH, CUSTOM)


def _month_end(year: int, month: int) -> datetime.date:
    first_of_next = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(YEAR, datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def tertial(cls, year: int, number: int) -> Period:
        if number not in (1, 2, 3):
            raise ValueError("A tertial is 1, 2 or 3.")
        first_month = 4 * (number - 1) + 1
        return cls(TERTIAL, datetime.date(year, first_month, 1), _month_end(year, first_month + 3))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(MONTH, datetime.date(year, month, 1), _month_end(year, month))

    @classmethod
    def custom(cls, start: datetime.date, end: datetime.date) -> Period:
        if end < start:
            raise ValueError("The end must not be before the start.")
        return cls(CUSTOM, start, end)

    @classmethod
    def containing(cls, kind: str, day: datetime.date) -> Period:
        if kind == YEAR:
            return cls.year(day.year)
        if kind == TERTIAL:
            return cls.tertial(day.year, (day.month - 1) // 4 + 1)
        if kind == MONTH:
            return cls.month(day.year, day.month)
        raise ValueError(f"No standard period of kind {kind!r}.")

    @property
    def is_standard(self) -> bool:
        return self.kind != CUSTOM

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period before: the previous year, tertial or month; for a custom range, as many days before."""
        if self.kind == YEAR:
            return Period.year(self.start.year - 1)
        if self.kind in (TERTIAL, MONTH):
            return Period.containing(self.kind, self.start - datetime.timedelta(days=1))
        return Period.custom(self.start - datetime.timedelta(days=self.days), self.start - datetime.timedelta(days=1))

    @property
    def key(self) -> str:
        """A stable text key: 2026, 2026-T2, 2026-05, or 2026-03-01..2026-04-15."""
        if self.kind == YEAR:
            return f"{self.start.year}"
        if self.kind == TERTIAL:
            return f"{self.start.year}-T{(self.start.month - 1) // 4 + 1}"
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        if self.kind == YEAR:
            return str(self.start.year)
        if self.kind == TERTIAL:
            return _("Tertial %(n)d %(year)d") % {"n": (self.start.month - 1) // 4 + 1, "year": self.start.year}
        if self.kind == MONTH:
            from django.utils.formats import date_format

            return date_format(self.start, "YEAR_MONTH_FORMAT")
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    def months(self) -> list[datetime.date]:
        """The first day of each month the period touches."""
        months, day = [], self.start.replace(day=1)
        while day <= self.end:
            months.append(day)
            day = _month_end(day.year, day.month) + datetime.timedelta(days=1)
        return months
