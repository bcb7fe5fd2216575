"""Lists that stay fast however long they grow: counting stops at a cap."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

# Past this many rows a list says "more than 10,000" instead of counting them all: a consultant's own
# contacts over years run to tens of thousands, and their exact count costs more than the page shown.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A paginator whose count reads at most ``COUNT_CAP + 1`` rows (unordered, in one query).

    Past the cap ``capped`` is true, the page shows "more than" the cap, and the pages run to the cap;
    the filters narrow the rest. Under the cap it is exact, as Django's own."""

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        # The order is dropped: which rows the count stops at is all the same, and sorting a
        # district's whole history to count it was most of the page's cost.
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def shown_count(self) -> int:
        return min(self.count, self.cap)
