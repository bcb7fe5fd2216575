"""The monthly approval's part of the follow-up report: each district's months and their statuses."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from districts.models import District
from figures.periods import Period
from figures.tables import Table

from .models import MonthApproval, MonthStatus


def report_approvals(*, period: Period, district_ids: Sequence[int]) -> dict:
    """JSON-ready: the months of the period and, per district code, each month's status when compiled."""
    months = period.months()
    codes = dict(District.objects.filter(pk__in=district_ids).values_list("pk", "code"))
    statuses = {
        (district_id, month): status
        for district_id, month, status in MonthApproval.objects.filter(
            district_id__in=district_ids, month__in=months
        ).values_list("district_id", "month", "status")
    }
    return {
        "months": [m.isoformat() for m in months],
        "districts": {
            codes[pk]: {m.isoformat(): statuses.get((pk, m), MonthStatus.OPEN.value) for m in months}
            for pk in sorted(codes)
        },
    }


def approval_tables(content: dict) -> list[Table]:
    """The table "Approval of the months": a row per district, a column per month. No person counts."""
    approvals = content.get("approvals")
    if approvals is None:  # compiled before the monthly approval existed
        return []
    labels = dict(MonthStatus.choices)
    months = approvals["months"]
    columns = [_("District"), *(date_format(datetime.date.fromisoformat(m), "YEAR_MONTH_FORMAT") for m in months)]
    rows = [
        [d["name"], *(str(labels.get(approvals["districts"].get(d["code"], {}).get(m), "")) for m in months)]
        for d in content["districts"]
    ]
    return [Table("approvals", _("Approval of the months"), columns, rows)]
