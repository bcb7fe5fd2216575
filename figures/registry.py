"""The registry of figure sections: how the apps above hand the figures engine their definitions.

The engine serves figures it does not define. Each app that defines figures registers them here when
Django starts (its ``AppConfig.ready``), and the engine calls them:

- a **section**: a selector of per-district figures (``selector(period=, target_group=, district_ids=)``
  returning ``{district id: figures}``);
- the **city** figures: ``city(period=, district_ids=)``, a municipality's districts as one where they
  can't be added up;
- the **facts' rebuild**: a callable recomputing the facts (``figures.facts``) from the rows.

Nothing here imports a domain app: the arrows point down, from the definitions to the engine.
"""

from __future__ import annotations

from collections.abc import Callable

_sections: dict[str, Callable[..., dict[int, dict]]] = {}
_city: list[Callable[..., dict]] = []
_facts_rebuild: list[Callable[[], int]] = []


def register_section(name: str, selector: Callable[..., dict[int, dict]]) -> None:
    _sections[name] = selector


def register_city(city: Callable[..., dict]) -> None:
    _city[:] = [city]


def register_facts_rebuild(rebuild: Callable[[], int]) -> None:
    _facts_rebuild[:] = [rebuild]


def facts_rebuild() -> int:
    """Recompute the facts from the rows with the registered rebuild; return the cells written."""
    return sum(rebuild() for rebuild in _facts_rebuild)


def section(name: str) -> Callable[..., dict[int, dict]]:
    try:
        return _sections[name]
    except KeyError:
        raise LookupError(f"No figures section {name!r} is registered") from None


def city_selector() -> Callable[..., dict]:
    if not _city:
        raise LookupError("No city figures are registered")
    return _city[0]
