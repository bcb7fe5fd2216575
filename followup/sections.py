"""The follow-up figures handed to the figures engine (``figures.registry``), when Django starts.

The engine precomputes each section per district and standard period; the definitions stay here
and in the apps that own them (outcomes, caregivers' offers): the engine imports none of them.
"""

from __future__ import annotations

import datetime

from django.db.models import Max, Min

from caregivers.models import SupportContactOffer
from caregivers.selectors import support_contact_offer_counts
from districts.models import TargetGroup
from figures import registry
from figures.definitions import REACH_SECTION
from figures.models import SnapshotSection
from figures.periods import Period
from interventions.models import Contact
from outcomes.selectors import outcome_figures

from .occasions import facts_rebuild
from .selectors import caregivers_reached, city_figures, district_figures

# The follow-up figures are kept for all target groups ("") and for each one.
TARGET_GROUPS: tuple[str, ...] = ("", *TargetGroup.values)


def _outcome_figures(*, period: Period, target_group: str | None, district_ids: list[int] | None) -> dict[int, dict]:
    return outcome_figures(period=period, district_ids=district_ids)


def _offer_figures(*, period: Period, target_group: str | None, district_ids: list[int] | None) -> dict[int, dict]:
    counts = support_contact_offer_counts(start=period.start, end=period.end, district_ids=district_ids)
    return {district_id: {"offers": n} for district_id, n in counts.items()}


def _history() -> list[datetime.date | None]:
    """From the first contact or support-contact offer (the offers are a section too) to the last."""
    return [
        *Contact.objects.aggregate(Min("date"), Max("date")).values(),
        *SupportContactOffer.objects.aggregate(Min("offered_on"), Max("offered_on")).values(),
    ]


def register() -> None:
    # The outcome figures and the offers are of all target groups only.
    # The follow-up and outcome figures are summed from the facts at any range: read as they are (true
    # to the moment of the page beside them), never precomputed.
    registry.register_section(SnapshotSection.FIGURES, district_figures, TARGET_GROUPS, precomputed=False)
    registry.register_section(REACH_SECTION, caregivers_reached, TARGET_GROUPS, precomputed=False)
    registry.register_section(SnapshotSection.OUTCOMES, _outcome_figures, ("",), precomputed=False)
    registry.register_section(SnapshotSection.OFFERS, _offer_figures, ("",))
    registry.register_city(city_figures)
    registry.register_history(_history)
    registry.register_facts_rebuild(facts_rebuild)
