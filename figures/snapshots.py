"""Reading the registered figures: every section is read as the data is now, never precomputed.

The sections are registered by the apps that define them (``figures.registry``); the engine serves
them. Nothing is precomputed per period any more: the facts make any range a sum of a few cells, and
the figures of a district are kept under its facts' version (``figures.moment_cache``), so a read
after a write recomputes only what the write changed, and is true to the same moment as the rows
beside it. No worker has to catch up, and no period is ever recomputed whole.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from . import registry
from .models import SnapshotSection
from .periods import Period


def figures_for(
    *,
    period: Period,
    target_group: str | None,
    district_ids: Iterable[int] | None = None,
    section: str = SnapshotSection.FIGURES,
):
    """A section's figures of a period (``district_figures`` by default; the outcome figures take no
    target group). Returns ``(figures by district, as_of)``, where ``as_of`` is the moment they are
    read at."""
    selector = registry.section(section)
    if district_ids is not None:
        district_ids = list(district_ids)
    return selector(period=period, target_group=target_group, district_ids=district_ids), timezone.now()


def city_figures_for(*, period: Period, district_ids: Iterable[int]) -> tuple[dict, datetime.datetime]:
    """The registered city figures of a period (a municipality's districts as one), with the moment
    they are read at."""
    return registry.city_selector()(period=period, district_ids=list(district_ids)), timezone.now()


@transaction.atomic
def figures_rebuild() -> int:
    """Recompute the facts from the rows (after a bulk load, or to check); return the cells written."""
    return registry.facts_rebuild()
