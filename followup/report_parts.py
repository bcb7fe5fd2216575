"""Parts of the follow-up report defined by apps above this one (the benchmark of municipalities).

An app that stands above the follow-up app may not be imported by it; it registers its part here when
Django starts, and the report calls it: ``content(period=, scope=, district_ids=)`` returns the part's
JSON-ready numbers, stored in the report's snapshot under the part's key, and ``tables(content)`` its
tables from the stored content alone.
"""

from __future__ import annotations

from collections.abc import Callable

_parts: dict[str, tuple[Callable[..., dict], Callable[[dict], list]]] = {}


def register_report_part(key: str, content: Callable[..., dict], tables: Callable[[dict], list]) -> None:
    _parts[key] = (content, tables)


def report_parts() -> dict[str, tuple[Callable[..., dict], Callable[[dict], list]]]:
    return dict(_parts)
