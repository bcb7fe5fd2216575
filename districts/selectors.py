"""Reads of district data, scoped to the user."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from consultants.models import Allocation
from interventions.models import DistrictOffering
from representatives.selectors import representative_figures

from .models import District, SupportPurchase


def district_list(*, user) -> QuerySet[District]:
    return (
        District.objects.visible_to(user)
        .annotate(consultant_count=Count("allocations__consultant", distinct=True))
        .prefetch_related("networks")
        .order_by("name")
    )


def district_detail(*, district: District, user) -> dict:
    """Everything the district page shows, in a fixed number of queries."""
    return {
        "networks": list(district.networks.order_by("name")),
        "purchases": list(SupportPurchase.objects.visible_to(user).filter(buyer=district).select_related("seller")),
        "sales": list(SupportPurchase.objects.visible_to(user).filter(seller=district).select_related("buyer")),
        # The register's counts, or the 2018 reference where the district keeps no register yet.
        "representatives": representative_figures(district_ids=[district.pk], on=timezone.localdate())[district.pk],
        "offerings": list(
            DistrictOffering.objects.filter(district=district)
            .select_related("intervention_type")
            .order_by("target_group", "intervention_type__position")
        ),
        "allocations": list(
            Allocation.objects.filter(district=district)
            .select_related("consultant")
            .prefetch_related(Prefetch("consultant__methods"))
            .order_by("consultant__ref", "target_group")
        ),
    }
