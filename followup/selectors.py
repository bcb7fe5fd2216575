"""The follow-up figures. Each is defined once here; pages, reports and exports reuse them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count

from consultants.models import Allocation, Consultant
from consultants.selectors import consultants_with_current_description
from districts.models import District, TargetGroup


@dataclass(frozen=True)
class ConsultantFacts:
    districts: int
    consultants_unique: int
    consultant_district_rows: int
    by_target_group: dict[str, int]
    with_current_description: int

    @property
    def under_65(self) -> int:
        return self.by_target_group.get(TargetGroup.UNDER_65, 0)

    @property
    def over_65(self) -> int:
        return self.by_target_group.get(TargetGroup.OVER_65, 0)

    @property
    def all_groups(self) -> int:
        """Consultants serving everyone ("all" or "all except substance abuse"), as report 000 groups them."""
        return self.by_target_group.get(TargetGroup.ALL, 0) + self.by_target_group.get(
            TargetGroup.ALL_EXCEPT_SUBSTANCE_ABUSE, 0
        )


def consultant_facts(*, user, on: datetime.date | None = None) -> ConsultantFacts:
    """Districts and consultants in scope: a consultant serving three districts counts once."""
    consultants = Consultant.objects.visible_to(user)
    by_group = dict(consultants.values_list("target_group").annotate(n=Count("pk")).order_by())
    return ConsultantFacts(
        districts=District.objects.visible_to(user).count(),
        consultants_unique=consultants.count(),
        consultant_district_rows=Allocation.objects.visible_to(user)
        .values("consultant", "district")
        .distinct()
        .count(),
        by_target_group=by_group,
        with_current_description=consultants_with_current_description(user=user, on=on).count(),
    )
