"""The benchmark's section of the follow-up report: the municipality beside the others, for a city report.

Registered with the follow-up report (``followup.report_parts``) by this app's ``ready``. The content
is read inside the report's snapshot, so it is true to the report's moment; the municipalities that
publish the year are those publishing when the report is compiled (a withdrawal takes a municipality
out of every report compiled after it, and out of none compiled before).
"""

from __future__ import annotations

from districts.models import District
from figures.periods import Period

from .selectors import benchmark_rows, published_municipality_ids
from .tables import benchmark_content, benchmark_tables


def benchmark_report_content(*, period: Period, scope: dict, district_ids: list[int]) -> dict:
    """The benchmark as the municipality's strategists see it, for a report of the whole city (a
    municipality); nothing for a network or chosen districts, which are no municipality."""
    if scope.get("kind") != "city" or not district_ids:
        return {}
    municipality_id = District.objects.filter(pk=district_ids[0]).values_list("municipality_id", flat=True).first()
    publishing = published_municipality_ids(year=period.start.year)
    shared, published = benchmark_rows(
        period=period,
        own_municipality_id=municipality_id,
        visible_ids=publishing - {municipality_id},
        published_ids=publishing,
    )
    return benchmark_content(year=period.start.year, shared=shared, published=published)


def benchmark_report_tables(content: dict) -> list:
    return benchmark_tables(content["benchmark"])
