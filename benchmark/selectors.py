"""The benchmark's reads: each municipality's base counts for a period, on the shared definitions or as
published, and the rows a viewer may see.

A municipality that logs here is counted exactly as its own dashboards count (``district_figures``,
``caregivers_reached_by_unit``, ``outcome_figures``, ``fte_by_district``, ``budget_by_district``,
``coverage_matrix``): the benchmark defines no figure of its own, only the ratios of the indicator
catalogue (``indicators``). Figures a municipality published itself (``PublishedFigures``) are
kept apart: they are on definitions nobody knows and never enter a median.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Prefetch

from consultants.models import Allocation
from consultants.selectors import fte_by_district
from districts.models import Budget, District, Municipality
from districts.selectors import budget_by_district
from figures.periods import Period
from followup.publication import MARK, SMALLEST_SHOWN
from followup.selectors import (
    DEFINITIONS_VERSION,
    FACTS_FIGURES_READ,
    caregivers_reached_by_unit,
    delivered_occasions,
    district_figures,
    figure_at,
)
from interventions.models import DistrictOffering, InterventionCode, InterventionType
from interventions.selectors import coverage_matrix, talk_cap
from outcomes.selectors import empty_outcomes, outcome_figures

from .indicators import INDICATORS, indicator_value
from .models import BenchmarkPublication, PublishedFigures

# The base counts that count persons: a small one (1 to 4) of another municipality is hidden, with
# every indicator worked out from it (``Indicator.persons``).
PERSON_COUNTS = ("caregivers", "at_cap", "talk_caregivers", "desired", "answers")


# Everything the benchmark reads beside the districts' facts: the rows whose change must recompute it
# (``figures.moment_cache.kept_while_versions_unchanged``).
BENCHMARK_READS = (
    Municipality,
    District,
    Allocation,
    Budget,
    DistrictOffering,
    InterventionType,
    *FACTS_FIGURES_READ,
    BenchmarkPublication,
    PublishedFigures,
)


class Basis:
    SHARED = "shared"  # logged here, on the shared definitions
    PUBLISHED = "published"  # self-reported, definitions unknown


@dataclass
class BenchmarkRow:
    """One municipality's line of the benchmark: its base counts, its indicators' values (None where
    unknown, ``MARK`` where hidden) and how they were arrived at."""

    code: str
    name: str
    basis: str
    base: dict
    values: dict[str, int | float | str | None]
    own: bool = False  # the viewer's own municipality: its true counts, published or not
    published: bool = False  # opted in to the benchmark for the year (shared basis only)
    definitions_version: int | None = None
    as_published: dict | None = None  # the texts a municipality published (published basis only)


def published_municipality_ids(*, year: int) -> set[int]:
    """The municipalities whose figures of ``year`` are published to the benchmark now (opted in and
    not withdrawn): the one rule of who appears to other municipalities and to regional analysts."""
    return set(
        BenchmarkPublication.objects.filter(year=year, withdrawn_at__isnull=True).values_list(
            "municipality_id", flat=True
        )
    )


def publication_history(*, municipality_id: int) -> list[BenchmarkPublication]:
    """Every publication of a municipality, newest first, with who published and withdrew."""
    return list(
        BenchmarkPublication.objects.filter(municipality_id=municipality_id)
        .select_related("published_by", "withdrawn_by")
        .order_by("-year", "-published_at")
    )


def shared_bases(*, period: Period, municipality_ids: list[int]) -> dict[int, dict]:
    """Each municipality's base counts for the period on the shared definitions: its districts as one.

    - occasions: contacts (``district_figures``' ``contacts``, summed over its districts);
    - caregivers: unique caregivers reached, a caregiver met in two of its districts once;
    - inhabitants: the municipality's; fte and cost_sek: the period's staffing and budget, as they were;
    - components, components_offered, components_delivered: the base level's components, those some
      district declares it offers, those with an occasion in the period;
    - talk_cap: the lowest cap in force among its districts; talk_caregivers and at_cap: caregivers in
      guidance talks and those at the cap (a district's series each, as the cap is a district's);
    - answers and desired: follow-up answers, and those saying the support led to the desired result.
    """
    municipalities = list(
        Municipality.objects.filter(pk__in=municipality_ids)
        .order_by("name")
        .prefetch_related(
            Prefetch("districts", queryset=District.objects.order_by("pk").only("pk", "talk_cap", "municipality_id"))
        )
    )
    units = {m.pk: [d.pk for d in m.districts.all()] for m in municipalities}
    district_ids = sorted(d for ids in units.values() for d in ids)
    figures = district_figures(period=period, district_ids=district_ids)
    reached = caregivers_reached_by_unit(period=period, units=units)
    outcomes = outcome_figures(period=period, district_ids=district_ids)
    ftes = fte_by_district(start=period.start, end=period.end, district_ids=district_ids)
    budgets = budget_by_district(start=period.start, end=period.end, district_ids=district_ids)
    components, cells = coverage_matrix(district_ids)
    talks = next((c for c in components if c.code == InterventionCode.GUIDANCE_TALKS), None)
    bases = {}
    for m in municipalities:
        ids = units[m.pk]
        base = dict.fromkeys(("occasions", "talk_caregivers", "at_cap", "answers", "desired"), 0)
        offered, delivered = set(), set()
        for d in m.districts.all():
            f = figures.get(d.pk)
            base["occasions"] += figure_at(f, ("contacts",))
            base["talk_caregivers"] += figure_at(f, ("talks", "caregivers"))
            base["at_cap"] += figure_at(f, ("talks", "at_cap"))
            followup = (outcomes.get(d.pk) or empty_outcomes())["followup"]
            base["answers"] += followup["answers"]
            base["desired"] += followup["desired"]
            offered |= {
                c.code for c, cell in zip(components, cells[d.pk], strict=True) if cell["under_65"] or cell["over_65"]
            }
            delivered |= {c.code for c in components if delivered_occasions(f, c.code)}
        # The cap in force in each district (its prefetched districts know their municipality).
        caps = [talk_cap(district=d, intervention_type=talks) for d in m.districts.all()] if talks else []
        # Budgets are SEK per year: a part of a year costs its share of them.
        known_budgets = [budgets[d] * period.days / _days_of_year(period.start.year) for d in ids if d in budgets]
        bases[m.pk] = dict(base) | {
            "caregivers": reached.get(m.pk, 0),
            "inhabitants": m.inhabitants,
            "fte": round(sum(ftes.get(d, 0) for d in ids), 2),
            "cost_sek": round(sum(known_budgets)) if known_budgets else None,
            "components": len(components),
            "components_offered": len(offered),
            "components_delivered": len(delivered),
            "talk_cap": min(caps, default=None),
            "code": m.code,
            "name": m.name,
        }
    return bases


def _days_of_year(year: int) -> int:
    return (datetime.date(year + 1, 1, 1) - datetime.date(year, 1, 1)).days


def _published_base(figures: PublishedFigures) -> dict:
    """The base counts a municipality's own published figures give: what they name, nothing more.

    Reach is occasions or persons as the report says; persons are taken as unique caregivers only to
    set them in the same column, marked as not on the shared definitions."""
    return {
        "code": figures.municipality.code,
        "name": figures.municipality.name,
        "inhabitants": figures.inhabitants or figures.municipality.inhabitants,
        "fte": float(figures.staff_fte) if figures.staff_fte is not None else None,
        "cost_sek": figures.cost_sek,
        "occasions": figures.reach_count if figures.reach_unit == "occasions" else None,
        "caregivers": figures.reach_count if figures.reach_unit == "persons" else None,
    }


def _suppressed(values: dict, base: dict) -> dict:
    """Another municipality's values as published to it: every indicator resting on a person count
    from 1 to ``SMALLEST_SHOWN`` - 1 hidden (the follow-up report's rule for publication)."""
    small = {name for name in PERSON_COUNTS if 0 < (base.get(name) or 0) < SMALLEST_SHOWN}
    return {
        indicator.id: (MARK if set(indicator.persons) & small else values[indicator.id]) for indicator in INDICATORS
    }


def benchmark_rows(
    *, period: Period, own_municipality_id: int | None, visible_ids: set[int], published_ids: set[int]
) -> tuple[list[BenchmarkRow], list[BenchmarkRow]]:
    """The benchmark of a period as a viewer sees it: the rows on the shared definitions (the viewer's
    own municipality, then the others it may see, by name) and the published figures of the period's
    year, each in its own list. Others' rows are suppressed; the viewer's own are its true counts.

    ``visible_ids`` are the other municipalities the viewer may see (``access.benchmark_scope``) and
    ``published_ids`` those publishing the year (``published_municipality_ids``), read once by the caller."""
    year = period.start.year
    ids = sorted(visible_ids | ({own_municipality_id} if own_municipality_id else set()))
    bases = shared_bases(period=period, municipality_ids=ids)
    shared = []
    for pk, base in bases.items():
        values = {indicator.id: indicator_value(indicator, base) for indicator in INDICATORS}
        own = pk == own_municipality_id
        shared.append(
            BenchmarkRow(
                code=base["code"],
                name=base["name"],
                basis=Basis.SHARED,
                base=base,
                values=values if own else _suppressed(values, base),
                own=own,
                published=pk in published_ids,
                definitions_version=DEFINITIONS_VERSION,
            )
        )
    shared.sort(key=lambda row: (not row.own, row.name))
    published = []
    # Published figures are a year's: beside a part of a year they would not compare.
    whole_year = period == Period.year(year)
    published_figures = PublishedFigures.objects.filter(year=year) if whole_year else PublishedFigures.objects.none()
    for figures in published_figures.select_related("municipality").order_by("municipality__name"):
        base = _published_base(figures)
        published.append(
            BenchmarkRow(
                code=base["code"],
                name=base["name"],
                basis=Basis.PUBLISHED,
                base=base,
                values={indicator.id: indicator_value(indicator, base) for indicator in INDICATORS},
                as_published={
                    "inhabitants": figures.inhabitants,
                    "staff": figures.staff,
                    "reach": figures.reach,
                    "cost_sek": figures.cost_sek,
                    "cost": figures.cost,
                    "source": figures.source,
                    "detail": figures.detail,
                },
            )
        )
    return shared, published


def benchmark_medians(rows: list[BenchmarkRow]) -> dict[str, float | None]:
    """Each indicator's median over the rows on the shared definitions that show it (published figures
    of others are never among them: they are not comparable)."""
    medians = {}
    for indicator in INDICATORS:
        values = [
            row.values[indicator.id]
            for row in rows
            if row.basis == Basis.SHARED and isinstance(row.values[indicator.id], int | float)
        ]
        # A median of two counts may fall between them: one decimal more than the figure itself at least.
        medians[indicator.id] = round(statistics.median(values), max(indicator.decimals, 1)) if values else None
    return medians


def benchmark_years(*, today: datetime.date) -> list[int]:
    """The years a benchmark can be asked for: from the first year anything is published or logged to this one."""
    first = min([today.year - 5, *PublishedFigures.objects.values_list("year", flat=True).order_by("year")[:1]])
    return list(range(today.year, first - 1, -1))
