"""Reads of district data, scoped to the user."""

from __future__ import annotations

import datetime

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import timezone

from .extensions import page_sections
from .models import Budget, District, Municipality, SupportPurchase
from .validity import in_force_during, mean_over_covered_days


def budget_on(*, on: datetime.date):
    """A district's budget in force on ``on`` (SEK per year), as an annotation; None if unknown."""
    return Subquery(Budget.objects.valid_on(on).filter(district=OuterRef("pk")).values("sek_per_year")[:1])


def budget_by_district(
    *, start: datetime.date, end: datetime.date, district_ids: list[int] | None = None
) -> dict[int, int]:
    """Each district's budget (SEK per year) over a period: the budgets in force, weighted by their
    days in the period (``mean_over_covered_days``); a district with none in the period is absent.
    The one definition behind every figure per SEK: a past period uses that period's budget."""
    budgets = Budget.objects.valid_during(start, end)
    if district_ids is not None:
        budgets = budgets.filter(district_id__in=district_ids)
    rows = budgets.values_list("district_id", "sek_per_year", "valid_from", "valid_to")
    return {pk: round(sek) for pk, sek in mean_over_covered_days(rows, start=start, end=end).items()}


def district_ids_of(*, municipality_id: int | None) -> list[int]:
    """The districts of a municipality, by id: "the city" of its city page, medians and city reports."""
    return list(District.objects.filter(municipality_id=municipality_id).order_by("pk").values_list("pk", flat=True))


def municipality_ids_with_districts() -> list[int]:
    """The municipalities that run their support here (have districts), oldest first."""
    return list(
        Municipality.objects.filter(districts__isnull=False).distinct().order_by("pk").values_list("pk", flat=True)
    )


def only_municipality_id() -> int | None:
    """The installation's municipality while it has only one (the default of commands and schedules)."""
    ids = list(Municipality.objects.values_list("pk", flat=True)[:2])
    return ids[0] if len(ids) == 1 else None


def district_list(*, user) -> QuerySet[District]:
    today = timezone.localdate()
    in_force = in_force_during(today, today, through="allocations")
    return (
        District.objects.visible_to(user)
        .annotate(
            consultant_count=Count("allocations__consultant", filter=in_force, distinct=True),
            budget_sek_per_year=budget_on(on=today),
        )
        .prefetch_related("networks")
        .order_by("name")
    )


def district_detail(*, district: District, user) -> dict:
    """Everything the district page shows, in a fixed number of queries: its own records (the budgets
    are their history, the one in force first) and the sections the apps above register
    (``districts.extensions``: who works there, what it offers, its representatives)."""
    today = timezone.localdate()
    budgets = list(Budget.objects.filter(district=district).order_by("-valid_from"))
    in_force = (b for b in budgets if b.valid_from <= today and (b.valid_to is None or b.valid_to >= today))
    return {
        "budgets": budgets,
        "budget": next((b.sek_per_year for b in in_force), None),
        "networks": list(district.networks.order_by("name")),
        "purchases": list(SupportPurchase.objects.visible_to(user).filter(buyer=district).select_related("seller")),
        "sales": list(SupportPurchase.objects.visible_to(user).filter(seller=district).select_related("buyer")),
        "sections": [(s.template, s.read(district=district, user=user)) for s in page_sections()],
    }
