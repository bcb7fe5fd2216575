"""The follow-up figures handed to the figures engine (``figures.registry``), when Django starts.

The engine serves each section; the definitions stay here and in the apps that own them (outcomes,
caregivers' offers): the engine imports none of them.
"""

from __future__ import annotations

from caregivers.selectors import support_contact_offer_counts
from figures import registry
from figures.definitions import REACH_SECTION
from figures.models import SnapshotSection
from figures.periods import Period
from outcomes.selectors import outcome_figures

from .occasions import facts_rebuild
from .selectors import caregivers_reached, city_figures, district_figures


def _outcome_figures(*, period: Period, target_group: str | None, district_ids: list[int] | None) -> dict[int, dict]:
    return outcome_figures(period=period, district_ids=district_ids)


def _offer_figures(*, period: Period, target_group: str | None, district_ids: list[int] | None) -> dict[int, dict]:
    counts = support_contact_offer_counts(start=period.start, end=period.end, district_ids=district_ids)
    return {district_id: {"offers": n} for district_id, n in counts.items()}


def register() -> None:
    # The outcome figures and the offers are of all target groups only. Every section is read as it
    # is (true to the moment of the page beside it), never precomputed.
    registry.register_section(SnapshotSection.FIGURES, district_figures)
    registry.register_section(REACH_SECTION, caregivers_reached)
    registry.register_section(SnapshotSection.OUTCOMES, _outcome_figures)
    registry.register_section(SnapshotSection.OFFERS, _offer_figures)
    registry.register_city(city_figures)
    registry.register_facts_rebuild(facts_rebuild)
