"""What the apps above the districts add to them, registered here when Django starts.

The districts are the base floor: consultants, offerings and representatives all point at a district,
so the district app must not import them. Yet the district page shows who works there, what it
offers and its representatives, and a district's talk cap must lie within the base level's range.
The apps that know these register them here (in their ``AppConfig.ready``); the district app calls
what is registered and imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PageSection:
    """A part of the district page: ``read(district=, user=)`` fetches its data in a fixed number of
    queries, ``template`` shows it (given ``district`` and ``data``); sections show in ``position`` order."""

    position: int
    template: str
    read: Callable[..., Any]


_page_sections: list[PageSection] = []
_checks: list[Callable[[Any], None]] = []
_municipality_checks: list[Callable[[Any], None]] = []


def register_page_section(*, position: int, template: str, read: Callable[..., Any]) -> None:
    section = PageSection(position, template, read)
    if section not in _page_sections:
        _page_sections.append(section)
        _page_sections.sort(key=lambda s: s.position)


def page_sections() -> list[PageSection]:
    return list(_page_sections)


def register_check(check: Callable[[Any], None]) -> None:
    """A rule on a district's own fields that an app above knows: ``check(district)`` raises a
    ValidationError naming the field (the talk cap's range is the base level's)."""
    if check not in _checks:
        _checks.append(check)


def checks() -> list[Callable[[Any], None]]:
    return list(_checks)


def register_municipality_check(check: Callable[[Any], None]) -> None:
    """A rule on a municipality's own settings that an app above knows (its default talk cap's range)."""
    if check not in _municipality_checks:
        _municipality_checks.append(check)


def municipality_checks() -> list[Callable[[Any], None]]:
    return list(_municipality_checks)
