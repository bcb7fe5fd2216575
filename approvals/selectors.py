"""Reads of the monthly cycle: the one lock rule, and the months' statuses for pages and reports."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from consultants.selectors import consultants_serving
from districts.models import District, Municipality
from figures.periods import Period

from .models import DEFAULT_LOCK_DAYS, CycleSettings, EntryException, MonthApproval, MonthReopening, MonthStatus

CLOSED = "closed"
APPROVED = MonthStatus.APPROVED.value
ACCEPTED = MonthStatus.ACCEPTED.value


@dataclass(frozen=True)
class EntryLock:
    """Why entry into a district's month is locked, and who can open it and how, as one message."""

    reason: str  # CLOSED, APPROVED or ACCEPTED
    district: District
    month: datetime.date
    message: str


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    return Period.month(month.year, month.month).end


def lock_days(*, municipality_id: int | None = None) -> int:
    """Days entry stays open after a month ends in a municipality's districts: its own setting, else the
    installation's cycle settings, else the default. One query."""
    return lock_days_by_municipality([municipality_id])[municipality_id]


def lock_days_by_municipality(municipality_ids: Iterable[int | None]) -> dict[int | None, int]:
    """``lock_days`` of each municipality (None: a user of none, the installation's setting), in one query."""
    ids = set(municipality_ids)
    installation = Subquery(CycleSettings.objects.values("lock_days_after_month_end")[:1])
    if not ids - {None}:
        days = CycleSettings.objects.values_list("lock_days_after_month_end", flat=True).first()
        return dict.fromkeys(ids, DEFAULT_LOCK_DAYS if days is None else days)
    days = dict(
        Municipality.objects.filter(pk__in=ids - {None}).values_list(
            "pk", Coalesce("lock_days_after_month_end", installation, Value(DEFAULT_LOCK_DAYS))
        )
    )
    return {pk: days.get(pk, DEFAULT_LOCK_DAYS) for pk in ids}


def closes_on(month: datetime.date, days: int) -> datetime.date:
    """The last day of entry into ``month``: the lock starts the day after."""
    return month_end(month) + datetime.timedelta(days=days)


def _lock_reason(
    *, month: datetime.date, approval: MonthApproval | None, days: int, today: datetime.date
) -> str | None:
    """The lock of a month for everyone (exceptions aside): accepted, approved, closed, or none."""
    status = approval.status if approval is not None else MonthStatus.OPEN
    if status == MonthStatus.ACCEPTED:
        return ACCEPTED
    if status == MonthStatus.APPROVED:
        return APPROVED
    reopened = approval is not None and approval.reopened_at is not None
    if not reopened and today > closes_on(month, days):
        return CLOSED
    return None


def _lock_message(reason: str, *, district: District, month: datetime.date, days: int) -> str:
    values = {"month": date_format(month, "YEAR_MONTH_FORMAT"), "district": district.name, "days": days}
    if reason == ACCEPTED:
        return (
            _(
                "%(month)s in %(district)s is accepted by the strategists and locked. A strategist can reopen "
                "the month on its page in Monthly approval, giving a reason."
            )
            % values
        )
    if reason == APPROVED:
        return (
            _(
                "%(month)s in %(district)s is approved by the district manager and locked. The district manager "
                "can reopen the month on its page in Monthly approval."
            )
            % values
        )
    return (
        _(
            "%(month)s in %(district)s is closed: entry locks %(days)d days after the month ends. The district "
            "manager can give you an exception for a few days on the month's page in Monthly approval."
        )
        % values
    )


def entry_lock(*, user, district: District, day: datetime.date, today: datetime.date | None = None) -> EntryLock | None:
    """Whether ``user`` may not enter work dated ``day`` in ``district``, and why; None if they may.

    Approval and acceptance lock everyone. The automatic closing (the setting's number of days after
    the month ends) locks everyone too, managers and administrators included: it is lifted only for
    the one consultant holding a live exception for the district and month, and for the whole
    district once the month is reopened (until it is approved again). A manager needing to correct
    a closed month grants the consultant who logged the work an exception.
    """
    today = today or timezone.localdate()
    month = month_of(day)
    approval = MonthApproval.objects.filter(district=district, month=month).first()
    # The setting can only close a month that has ended: a day of the current month (most saves)
    # costs the approval's one query.
    days = lock_days(municipality_id=district.municipality_id) if today > month_end(month) else 0
    reason = _lock_reason(month=month, approval=approval, days=days, today=today)
    if reason is None:
        return None
    if reason == CLOSED and exception_live(user=user, district=district, month=month, today=today):
        return None
    return EntryLock(reason, district, month, _lock_message(reason, district=district, month=month, days=days))


def exception_live(*, user, district: District, month: datetime.date, today: datetime.date) -> bool:
    if not getattr(user, "pk", None):
        return False
    return EntryException.objects.filter(
        district=district, month=month, granted_to=user, valid_until__gte=today
    ).exists()


def recent_months(today: datetime.date, count: int = 6) -> list[datetime.date]:
    """The current month and the ``count - 1`` before it, newest first."""
    months, month = [], month_of(today)
    for _n in range(count):
        months.append(month)
        month = month_of(month - datetime.timedelta(days=1))
    return months


def lock_label(reason: str | None) -> str:
    return {
        None: _("Open for entry"),
        CLOSED: _("Closed"),
        APPROVED: _("Locked: approved"),
        ACCEPTED: _("Locked: accepted"),
    }[reason]


def district_months(
    *, districts: list[District], months: list[datetime.date], today: datetime.date | None = None
) -> list[dict]:
    """Each district with each month's status, who submitted, approved and accepted, and its lock.

    Three queries however many districts and months (the setting, the months, their submissions).
    """
    today = today or timezone.localdate()
    days_by_municipality = lock_days_by_municipality(d.municipality_id for d in districts)
    approvals = {
        (a.district_id, a.month): a
        for a in MonthApproval.objects.filter(district__in=districts, month__in=months)
        .select_related("approved_by", "accepted_by")
        .prefetch_related("submissions__consultant")
    }
    rows = []
    for district in districts:
        cells, days = [], days_by_municipality[district.municipality_id]
        for month in months:
            approval = approvals.get((district.pk, month))
            reason = _lock_reason(month=month, approval=approval, days=days, today=today)
            status = approval.status if approval else MonthStatus.OPEN
            cells.append(
                {
                    "month": month,
                    "key": month.strftime("%Y-%m"),
                    "status": status,
                    "status_label": MonthStatus(status).label,
                    "approval": approval,
                    "submissions": list(approval.submissions.all()) if approval else [],
                    "lock": reason,
                    "lock_label": lock_label(reason),
                    "closes_on": closes_on(month, days),
                }
            )
        rows.append({"district": district, "months": cells})
    return rows


def dashboard_months(
    *, district: District, months: list[datetime.date], today: datetime.date | None = None
) -> list[dict]:
    """The district dashboard's section: each month of the shown period that has begun, its status and lock."""
    today = today or timezone.localdate()
    begun = [m for m in months if m <= month_of(today)]
    return district_months(districts=[district], months=begun, today=today)[0]["months"]


def month_page(*, district: District, month: datetime.date, today: datetime.date | None = None) -> dict:
    """Everything the district-month page shows."""

    today = today or timezone.localdate()
    cell = district_months(districts=[district], months=[month], today=today)[0]["months"][0]
    consultants = list(consultants_serving(district=district).select_related("user").order_by("ref"))
    submitted = {s.consultant_id: s for s in cell["submissions"]}
    return cell | {
        "consultants": [(c, submitted.get(c.pk)) for c in consultants],
        "exceptions": list(
            EntryException.objects.filter(district=district, month=month).select_related("granted_to", "granted_by")
        ),
        "reopenings": list(MonthReopening.objects.filter(district=district, month=month).select_related("reopened_by")),
        "today": today,
    }


def report_reopenings(*, report) -> list[MonthReopening]:
    """The reopenings that made the report out of date, for its page's notice."""
    return list(report.reopenings.select_related("district", "reopened_by").order_by("reopened_at"))
