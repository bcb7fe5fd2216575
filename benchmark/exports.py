"""The benchmark as open data: every value keyed by the official kommunkod and a stable indicator id.

Ready for a national database of municipal indicators: one line per municipality, indicator and year,
with the basis of the value (the shared definitions and their version, or the municipality's own
published figure) so that nobody reads a self-reported figure as a comparable one.
"""

from __future__ import annotations

from collections.abc import Iterator

from .indicators import BY_ID, INDICATORS, UNIT_LABELS
from .selectors import Basis


def indicator_catalogue() -> list[dict]:
    """The catalogue as data: id, Swedish and English titles, numerator, denominator, unit, version."""
    return [
        {
            "id": i.id,
            "title_sv": i.title_sv,
            "title_en": i.title_en,
            "numerator": i.numerator,
            "denominator": i.denominator,
            "scale": i.scale,
            "unit": i.unit,
            "unit_label": str(UNIT_LABELS[i.unit]),
            "decimals": i.decimals,
            "definitions_version": i.definitions_version,
            "description": str(i.description),
        }
        for i in INDICATORS
    ]


def _values(content: dict) -> Iterator[tuple[dict, str, object]]:
    for row in [*content["shared"], *content["published"]]:
        for indicator_id in content["indicators"]:
            if indicator_id in BY_ID:
                yield row, indicator_id, row["values"].get(indicator_id)


def export_json(content: dict) -> dict:
    return {
        "year": content["year"],
        "indicators": content["indicators"],
        "municipalities": [
            {
                "kommunkod": row["code"],
                "name": row["name"],
                "basis": row["basis"],
                "comparable": row["basis"] == Basis.SHARED,
                "definitions_version": row["definitions_version"],
                "values": {i: row["values"].get(i) for i in content["indicators"] if i in BY_ID},
            }
            for row in [*content["shared"], *content["published"]]
        ],
    }


EXPORT_COLUMNS = ("year", "kommunkod", "municipality", "indicator", "value", "basis", "definitions_version")


def export_csv_rows(content: dict) -> Iterator[list]:
    """The open-data CSV's lines: a header, then one line per municipality and indicator. Values are
    plain numbers with a decimal point (for machines); ".." is a value hidden to protect individuals,
    an empty value one that is unknown."""
    yield list(EXPORT_COLUMNS)
    for row, indicator_id, value in _values(content):
        yield [
            content["year"],
            row["code"],
            row["name"],
            indicator_id,
            "" if value is None else value,
            row["basis"],
            "" if row["definitions_version"] is None else row["definitions_version"],
        ]
