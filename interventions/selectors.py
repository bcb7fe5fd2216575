"""Reads of the base level and of logged work; each rule and figure is defined once here."""

from __future__ import annotations

from django.db.models import QuerySet

from districts.models import District

from .models import InterventionCode, InterventionType

# Report 000's proposal, used only before the catalogue is loaded.
_PROPOSED_CAP_RANGE = (3, 5)


def guidance_talk_type() -> InterventionType:
    return InterventionType.objects.get(code=InterventionCode.GUIDANCE_TALKS)


def talk_cap_range() -> tuple[int, int]:
    """The range within which a district may set its cap on guidance talks (the base level's)."""
    row = InterventionType.objects.filter(code=InterventionCode.GUIDANCE_TALKS).values("cap_min", "cap_max").first()
    if not row or row["cap_min"] is None:
        return _PROPOSED_CAP_RANGE
    return row["cap_min"], row["cap_max"]


def talk_cap(*, district: District, intervention_type: InterventionType) -> int:
    """The cap in force: the district's own, else the city default of the base level."""
    if district.talk_cap is not None:
        return district.talk_cap
    return intervention_type.cap_default or intervention_type.cap_max


def intervention_types() -> QuerySet[InterventionType]:
    return InterventionType.objects.order_by("position", "name")
