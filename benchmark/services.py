"""The benchmark's writes: a municipality publishes its figures of a year, or withdraws them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.models import Municipality

from .models import YEAR_VALIDATORS, BenchmarkPublication


def _check_year(year: int) -> None:
    for validator in YEAR_VALIDATORS:
        try:
            validator(year)
        except ValidationError:
            raise ValidationError({"year": _("Choose a year between 2000 and 2100.")}) from None
    if year > timezone.localdate().year:
        raise ValidationError({"year": _("A year that has not begun has no figures to publish.")})


def _in_force_locked(*, municipality_id: int, year: int) -> BenchmarkPublication | None:
    """The publication of the year in force, read under the municipality's row lock: two presses (or two
    publishers of one municipality) take turns, so the second sees what the first did."""
    _check_year(year)
    Municipality.objects.select_for_update().get(pk=municipality_id)
    return BenchmarkPublication.objects.filter(
        municipality_id=municipality_id, year=year, withdrawn_at__isnull=True
    ).first()


@transaction.atomic
def benchmark_publish(*, municipality_id: int, year: int, user) -> BenchmarkPublication:
    """Publish the municipality's figures of ``year`` to the benchmark (opt-in), recording who and when.

    Publishing what is already published changes nothing and returns the publication in force: a
    second press (or two at once) never makes a second row."""
    current = _in_force_locked(municipality_id=municipality_id, year=year)
    if current is not None:
        return current
    return BenchmarkPublication.objects.create(
        municipality_id=municipality_id, year=year, published_at=timezone.now(), published_by=user
    )


@transaction.atomic
def benchmark_withdraw(*, municipality_id: int, year: int, user) -> BenchmarkPublication | None:
    """Withdraw the municipality's figures of ``year``: out of every benchmark and report compiled from
    now on (reports compiled before keep what they were compiled with). Withdrawing what is not
    published changes nothing."""
    current = _in_force_locked(municipality_id=municipality_id, year=year)
    if current is None:
        return None
    current.withdrawn_at, current.withdrawn_by = timezone.now(), user
    current.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return current
