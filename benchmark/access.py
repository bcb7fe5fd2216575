"""Who sees which municipalities in the benchmark: the one rule, built on ``accounts.scoping``.

- A municipality's strategists and administrators: their own municipality's true counts, published or
  not, and the other municipalities that publish the year, suppressed.
- A regional analyst (a municipalities' association, a national agency): the publishing
  municipalities alone, suppressed; never a district's or a person's data.
- Everyone else: nothing (404, as for the city page).
Published figures of municipalities that log elsewhere are public reports: every benchmark viewer sees them.
"""

from __future__ import annotations

from django.http import Http404

from accounts.scoping import user_municipality_id

from .selectors import published_municipality_ids


def may_view_benchmark(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm("benchmark.view_benchmark")


def benchmark_scope(user, *, year: int) -> tuple[int | None, set[int], set[int]]:
    """(the viewer's own municipality or None, the other municipalities they may see, the municipalities
    publishing ``year``)."""
    if not may_view_benchmark(user):
        raise Http404
    own = user_municipality_id(user)  # none for a regional analyst
    published = published_municipality_ids(year=year)
    return own, published - {own}, published


def publishing_municipality_id(user) -> int:
    """The municipality whose publishing ``user`` decides: their own, if they may publish at all."""
    municipality_id = user_municipality_id(user)
    if municipality_id is None or not user.has_perm("benchmark.publish_benchmark"):
        raise Http404
    return municipality_id
