"""The indicator catalogue: every figure of the benchmark, with a stable id, defined once.

The page, its CSV, the follow-up report's section and the open-data export (keyed by kommunkod and
indicator id) all take their values from ``indicator_value``. An id never changes meaning: a changed
definition is a new indicator, or a new version of the shared definitions (``DEFINITIONS_VERSION``),
which every exported value carries.

Each value is worked out from a municipality's *base* (``benchmark.selectors.MunicipalityBase``): its
counts on the shared definitions, or the few numbers a municipality published itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from followup.selectors import DEFINITIONS_VERSION


class Unit:
    COUNT = "count"
    PER_1000_INHABITANTS = "per_1000_inhabitants"
    PER_FTE = "per_fte"
    PER_1000_SEK = "per_1000_sek"
    PERCENT = "percent"
    TALKS = "talks"
    FTE = "fte"
    SEK = "sek"


UNIT_LABELS = {
    Unit.COUNT: _("number"),
    Unit.PER_1000_INHABITANTS: _("per 1,000 inhabitants"),
    Unit.PER_FTE: _("per full-time post"),
    Unit.PER_1000_SEK: _("per 1,000 SEK"),
    Unit.PERCENT: _("percent"),
    Unit.TALKS: _("guidance talks"),
    Unit.FTE: _("full-time posts"),
    Unit.SEK: _("SEK per year"),
}


@dataclass(frozen=True)
class Indicator:
    id: str
    title_sv: str
    title_en: str
    numerator: str  # a base field
    denominator: str | None  # a base field, or None for a count
    scale: int  # the ratio times this (1,000 for per 1,000 inhabitants, 100 for a percent)
    unit: str
    decimals: int
    # The person counts behind the value: hidden together with it when one of them is small.
    persons: tuple[str, ...] = ()
    description: str = ""  # what is counted, in the active language

    @property
    def title(self) -> str:
        """The title in the active language (Swedish by default)."""
        return self.title_en if (translation.get_language() or "sv").startswith("en") else self.title_sv

    @property
    def definitions_version(self) -> int:
        return DEFINITIONS_VERSION


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "ANH001", "Kontakttillfällen", "Contact occasions", "occasions", None, 1, Unit.COUNT, 0,
        description=_("Logged contacts with caregivers in the year: every call, talk, visit and group attendance."),
    ),
    Indicator(
        "ANH002", "Unika anhöriga", "Unique caregivers", "caregivers", None, 1, Unit.COUNT, 0, ("caregivers",),
        description=_("Caregivers reached in the year, each counted once across the municipality's units."),
    ),
    Indicator(
        "ANH003", "Kontakttillfällen per 1 000 invånare", "Contact occasions per 1,000 inhabitants",
        "occasions", "inhabitants", 1000, Unit.PER_1000_INHABITANTS, 1,
    ),
    Indicator(
        "ANH004", "Unika anhöriga per 1 000 invånare", "Unique caregivers per 1,000 inhabitants",
        "caregivers", "inhabitants", 1000, Unit.PER_1000_INHABITANTS, 1, ("caregivers",),
    ),
    Indicator(
        "ANH005", "Kontakttillfällen per årsarbetare", "Contact occasions per full-time post",
        "occasions", "fte", 1, Unit.PER_FTE, 0,
    ),
    Indicator(
        "ANH006", "Unika anhöriga per årsarbetare", "Unique caregivers per full-time post",
        "caregivers", "fte", 1, Unit.PER_FTE, 0, ("caregivers",),
    ),
    Indicator(
        "ANH007", "Kontakttillfällen per 1 000 kr", "Contact occasions per 1,000 SEK",
        "occasions", "cost_sek", 1000, Unit.PER_1000_SEK, 2,
    ),
    Indicator(
        "ANH008", "Unika anhöriga per 1 000 kr", "Unique caregivers per 1,000 SEK",
        "caregivers", "cost_sek", 1000, Unit.PER_1000_SEK, 3, ("caregivers",),
    ),
    Indicator(
        "ANH009", "Grundnivåns täckning", "Coverage of the base level",
        "components_offered", "components", 100, Unit.PERCENT, 0,
        description=_(
            "Base-level components that some unit of the municipality declares it offers, of all components."
        ),
    ),
    Indicator(
        "ANH010", "Grundnivåns leverans", "Delivery of the base level",
        "components_delivered", "components", 100, Unit.PERCENT, 0,
        description=_("Base-level components with at least one contact occasion in the year, of all components."),
    ),
    Indicator(
        "ANH011", "Samtalstak", "Cap on guidance talks", "talk_cap", None, 1, Unit.TALKS, 0,
        description=_(
            "Guidance talks per caregiver in force; the lowest of the municipality's units where they differ."
        ),
    ),
    Indicator(
        "ANH012", "Andel anhöriga vid samtalstaket", "Share of caregivers at the talk cap",
        "at_cap", "talk_caregivers", 100, Unit.PERCENT, 1, ("at_cap", "talk_caregivers"),
        description=_("Caregivers in guidance talks who reached the cap, of all caregivers in guidance talks."),
    ),
    Indicator(
        "ANH013", "Andel önskat resultat", "Share with the desired result",
        "desired", "answers", 100, Unit.PERCENT, 1, ("desired", "answers"),
        description=_("Follow-up answers saying the support led to the desired result, of all answers."),
    ),
    Indicator("ANH014", "Årsarbetare", "Full-time posts", "fte", None, 1, Unit.FTE, 2),
    Indicator("ANH015", "Kostnad", "Cost", "cost_sek", None, 1, Unit.SEK, 0),
)  # fmt: skip

BY_ID = {indicator.id: indicator for indicator in INDICATORS}


def indicator_value(indicator: Indicator, base: dict) -> int | float | None:
    """The indicator's value for a municipality's base, or None where a part of it is unknown (a
    municipality that published no cost has no figure per 1,000 SEK; a zero denominator gives none)."""
    numerator = base.get(indicator.numerator)
    if numerator is None:
        return None
    if indicator.denominator is None:
        return round(numerator, indicator.decimals) if indicator.decimals else numerator
    denominator = base.get(indicator.denominator)
    if not denominator:
        return None
    return round(float(numerator) * indicator.scale / float(denominator), indicator.decimals)
