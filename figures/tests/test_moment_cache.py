"""figures.moment_cache on its own: pages served again while nothing is written, computed once by
readers arriving together; each district's figures kept under its facts' version. The pages that use
it are tested in followup/tests/test_kept_pages.py."""

import datetime
import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from caregivers.tests.factories import CaregiverFactory
from consultants.models import Consultant
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from figures.definitions import SCOPE
from figures.facts import Occasion, facts_change, facts_read
from figures.moment_cache import (
    _key,
    data_moment,
    kept_per_district,
    kept_while_unchanged,
    kept_while_versions_unchanged,
)
from figures.periods import Period
from followup.selectors import caregivers_reached, district_figures
from interventions.tests.factories import ContactFactory
from outcomes.selectors import outcome_figures

pytestmark = pytest.mark.django_db(transaction=True)


def _counting(computed: list):
    def compute():
        computed.append(1)
        time.sleep(0.3)  # long enough for every reader to arrive while it runs
        return len(computed)

    return compute


def test_a_result_is_served_again_until_a_write(postgresql):
    cache.clear()
    computed = []
    compute = _counting(computed)

    assert kept_while_unchanged("test", ("a",), compute) == 1
    assert kept_while_unchanged("test", ("a",), compute) == 1
    assert kept_while_unchanged("test", ("b",), compute) == 2  # other parts, another result

    DistrictFactory()  # committed: the data's name changes

    assert kept_while_unchanged("test", ("a",), compute) == 3


def test_readers_arriving_together_compute_once(postgresql):
    cache.clear()
    computed = []
    compute = _counting(computed)
    results = []

    def reader():
        try:
            results.append(kept_while_unchanged("test", ("together",), compute))
        finally:
            connection.close()

    readers = [threading.Thread(target=reader) for _ in range(6)]
    for r in readers:
        r.start()
    for r in readers:
        r.join()

    assert (len(computed), results) == (1, [1] * 6)


def test_a_failing_computation_lets_the_next_reader_compute(postgresql):
    cache.clear()

    def failing():
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        kept_while_unchanged("test", ("fails",), failing)

    # Its lock is gone with it: the next reader computes at once instead of waiting on it.
    assert cache.get(_key("test", ("fails",), data_moment()) + ":computing") is None
    assert kept_while_unchanged("test", ("fails",), lambda: "computed") == "computed"


# --- Per district, under the facts' version ----------------------------------------------------------
def _occasion(district_id: int, caregiver_id: int | None = None) -> Occasion:
    return Occasion(district_id=district_id, day=datetime.date(2026, 3, 3), target_group="65_plus",
                    caregiver_id=caregiver_id, minutes=5, keys=())  # fmt: skip


def _keeper(computed: list):
    """A computation that records which districts it was asked for and gives each its contacts."""

    def compute(district_ids):
        computed.append(sorted(district_ids) if district_ids is not None else None)
        cells = facts_read(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31),
                           district_ids=district_ids, target_groups=None, dimensions=())  # fmt: skip
        return {d: sum(t.contacts for t in by_key.values()) for d, by_key in cells.cells.items()}

    return compute


def test_each_districts_result_is_kept_until_its_own_facts_change(postgresql):
    cache.clear()
    bromma, farsta = DistrictFactory(), DistrictFactory()
    facts_change(added=[_occasion(bromma.pk), _occasion(farsta.pk)], still_met=lambda *a: [])
    computed = []
    compute = _keeper(computed)
    ids = [bromma.pk, farsta.pk]

    first = kept_per_district("test", ("a",), ids, compute)
    again = kept_per_district("test", ("a",), ids, compute)
    facts_change(added=[_occasion(farsta.pk)], still_met=lambda *a: [])  # committed: farsta's version moves
    after = kept_per_district("test", ("a",), ids, compute)
    other_parts = kept_per_district("test", ("b",), [bromma.pk], compute)

    assert first == again == {bromma.pk: 1, farsta.pk: 1}  # each district's own contacts (1 cell total each)
    assert after == {bromma.pk: 1, farsta.pk: 2}
    assert other_parts == {bromma.pk: 1}
    assert computed == [sorted(ids), [farsta.pk], [bromma.pk]]  # only what changed, or was never kept


def test_a_district_with_nothing_is_kept_too_and_every_district_is_read_given_none(postgresql):
    cache.clear()
    bromma, farsta = DistrictFactory(), DistrictFactory()
    facts_change(added=[_occasion(bromma.pk)], still_met=lambda *a: [])
    computed = []
    compute = _keeper(computed)

    assert kept_per_district("test", (), None, compute) == {bromma.pk: 1}
    assert kept_per_district("test", (), None, compute) == {bromma.pk: 1}
    assert computed == [sorted([bromma.pk, farsta.pk])]  # farsta's nothing is kept as well


def test_a_change_in_a_table_read_beside_the_facts_recomputes_every_district(postgresql):
    cache.clear()
    bromma = DistrictFactory()
    consultant = ConsultantFactory(home_district=bromma)
    computed = []
    compute = _keeper(computed)

    kept_per_district("test", (), [bromma.pk], compute, reads=(Consultant,))
    kept_per_district("test", (), [bromma.pk], compute, reads=(Consultant,))
    Consultant.objects.filter(pk=consultant.pk).update(role="dementia_nurse")  # no signal: an UPDATE
    kept_per_district("test", (), [bromma.pk], compute, reads=(Consultant,))
    ConsultantFactory(home_district=bromma)
    kept_per_district("test", (), [bromma.pk], compute, reads=(Consultant,))

    assert computed == [[bromma.pk]] * 3


def test_inside_a_transaction_nothing_is_kept_or_served(postgresql):
    """A transaction's own writes carry no version other readers see: it computes, and keeps nothing."""
    cache.clear()
    bromma = DistrictFactory()
    computed = []
    compute = _keeper(computed)
    kept_per_district("test", (), [bromma.pk], compute)

    with transaction.atomic():
        facts_change(added=[_occasion(bromma.pk)], still_met=lambda *a: [])
        inside = kept_per_district("test", (), [bromma.pk], compute)
        transaction.set_rollback(True)
    outside = kept_per_district("test", (), [bromma.pk], compute)

    assert (inside, outside) == ({bromma.pk: 1}, {})
    assert computed == [[bromma.pk]] * 2  # the first and the one inside; the rolled-back write is not kept


def test_the_dashboard_figures_kept_per_district_equal_them_computed_after_each_write(postgresql):
    """The real sections: after writes in one district, the kept figures of all equal a computation from
    scratch, and only the written district was computed again."""
    cache.clear()
    bromma, farsta = DistrictFactory(), DistrictFactory()
    anna = CaregiverFactory(districts=[bromma, farsta], gender="woman")
    consultant = ConsultantFactory(home_district=bromma)
    for district in (bromma, farsta):
        ContactFactory(district=district, caregiver=anna, consultant=consultant, date=datetime.date(2026, 3, 3))
    year = Period.year(2026)

    def read():
        return (
            district_figures(period=year),
            outcome_figures(period=year),
            caregivers_reached(period=year, target_group=None, district_ids=None, combined=True),
        )

    read()

    ContactFactory(district=farsta, caregiver=None, consultant=consultant, date=datetime.date(2026, 4, 4))
    anna.gender = "man"
    anna.save()
    kept = read()
    with transaction.atomic():  # inside a transaction: computed from scratch
        computed = read()

    assert kept == computed
    assert kept[2] == {SCOPE: {"caregivers": 1}}  # anna, met in both districts, once
    assert kept[0][farsta.pk]["contacts"] == 2
    assert kept[0][bromma.pk]["caregivers_by"]["gender"] == {"man": 1}  # the attribute sets' version moved


def test_a_result_kept_under_versions_survives_writes_elsewhere_and_not_its_own(postgresql):
    cache.clear()
    bromma = DistrictFactory()
    consultant = ConsultantFactory(home_district=bromma)
    computed = []

    def compute():
        computed.append(1)
        return len(computed)

    assert kept_while_versions_unchanged("test", ("a",), (Consultant,), compute) == 1
    CaregiverFactory(districts=[bromma])  # a write the result does not read: no fact, no consultant
    assert data_moment() is not None
    assert kept_while_versions_unchanged("test", ("a",), (Consultant,), compute) == 1
    ContactFactory(district=bromma, consultant=consultant)  # the district's facts change
    assert kept_while_versions_unchanged("test", ("a",), (Consultant,), compute) == 2
    Consultant.objects.filter(pk=consultant.pk).update(role="dementia_nurse")  # a table it reads
    assert kept_while_versions_unchanged("test", ("a",), (Consultant,), compute) == 3
    assert kept_while_versions_unchanged("test", ("b",), (Consultant,), compute) == 4  # other parts
    with transaction.atomic():  # inside a transaction nothing is kept or served
        assert kept_while_versions_unchanged("test", ("a",), (Consultant,), compute) == 5
