"""The registry of figure sections: how the apps above hand the figures engine their definitions.

The engine precomputes and serves figures it does not define. Each app that defines figures
registers them here when Django starts (its ``AppConfig.ready``), and the engine calls them:

- a **section**: a selector of per-district figures (``selector(period=, target_group=, district_ids=)``
  returning ``{district id: figures}``), and the target groups it is kept for ("" is all);
- the **city** figures: ``city(period=)``, the city as one where districts can't be added up;
- the **history**: callables returning the first and last day with figures (a rebuild's span);
- the **facts' rebuild**: a callable recomputing the facts (``figures.facts``) from the rows.

Nothing here imports a domain app: the arrows point down, from the definitions to the engine.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    selector: Callable[..., dict[int, dict]]
    target_groups: tuple[str, ...]
    # Precomputed per standard period (FigureSnapshot); a section summed from the facts is not: any
    # range is read as it is now.
    precomputed: bool = True


_sections: dict[str, Section] = {}
_city: list[Callable[..., dict]] = []
_history: list[Callable[[], Sequence[datetime.date | None]]] = []
_facts_rebuild: list[Callable[[], int]] = []


def register_section(
    name: str, selector: Callable[..., dict[int, dict]], target_groups: Sequence[str], *, precomputed: bool = True
) -> None:
    _sections[name] = Section(selector, tuple(target_groups), precomputed)


def register_city(city: Callable[..., dict]) -> None:
    _city[:] = [city]


def register_history(bounds: Callable[[], Sequence[datetime.date | None]]) -> None:
    if bounds not in _history:
        _history.append(bounds)


def register_facts_rebuild(rebuild: Callable[[], int]) -> None:
    _facts_rebuild[:] = [rebuild]


def facts_rebuild() -> int:
    """Recompute the facts from the rows with the registered rebuild; return the cells written."""
    return sum(rebuild() for rebuild in _facts_rebuild)


def sections() -> dict[str, Section]:
    return dict(_sections)


def section(name: str) -> Section:
    try:
        return _sections[name]
    except KeyError:
        raise LookupError(f"No figures section {name!r} is registered") from None


def city_selector() -> Callable[..., dict]:
    if not _city:
        raise LookupError("No city figures are registered")
    return _city[0]


def history_dates() -> list[datetime.date]:
    """Every first and last day the registered histories give (None left out)."""
    return [day for bounds in _history for day in bounds() if day is not None]
