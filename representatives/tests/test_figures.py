"""The one rule for representative counts (register, else the 2018 reference), refreshers and trainings."""

import datetime

import pytest

from districts.tests.factories import DistrictFactory, NetworkFactory, RepresentativeCountFactory
from figures.periods import Period
from representatives.models import add_months
from representatives.selectors import SCOPE, register_list, representative_figures
from representatives.tests.factories import RepresentativeFactory, RepresentativeTrainingFactory

ON = datetime.date(2026, 6, 1)


@pytest.fixture
def two_districts(db):
    """Farsta keeps a register (and had reference numbers); Kista has only the 2018 reference."""
    farsta, kista = DistrictFactory(code="farsta", name="Farsta"), DistrictFactory(code="kista", name="Kista")
    RepresentativeCountFactory(district=farsta, target_group="65_plus", count=7)
    RepresentativeCountFactory(district=kista, target_group="65_plus", count=3)
    RepresentativeCountFactory(district=kista, target_group="under_65", count=None)
    RepresentativeFactory.create_batch(2, district=farsta, target_group="65_plus")
    RepresentativeFactory(district=farsta, target_group="under_65")
    RepresentativeFactory(district=farsta, target_group="65_plus", ended_on=datetime.date(2026, 5, 31))
    # Ends after the day: still a representative on it.
    RepresentativeFactory(district=farsta, target_group="all", ended_on=datetime.date(2026, 6, 2))
    return farsta, kista


def test_a_register_replaces_the_reference_and_a_district_without_one_keeps_it(two_districts):
    farsta, kista = two_districts

    figures = representative_figures(district_ids=[farsta.pk, kista.pk], on=ON)

    assert figures[farsta.pk]["source"] == "register"
    assert figures[farsta.pk]["by_target_group"] == {"under_65": 1, "65_plus": 2, "all": 1}
    assert figures[farsta.pk]["total"] == 4
    assert figures[kista.pk]["source"] == "reference_2018"
    assert figures[kista.pk]["by_target_group"] == {"under_65": None, "65_plus": 3}
    assert figures[kista.pk]["total"] == 3


def test_a_district_with_neither_has_nothing_and_ended_ones_still_make_a_register(db):
    empty, ended = DistrictFactory(), DistrictFactory()
    RepresentativeCountFactory(district=ended, count=9)
    RepresentativeFactory(district=ended, ended_on=datetime.date(2026, 1, 1))

    figures = representative_figures(district_ids=[empty.pk, ended.pk], on=ON)

    assert (figures[empty.pk]["source"], figures[empty.pk]["by_target_group"]) == ("none", {})
    # Every representative of the register has left: the register says none, not the 2018 nine.
    assert (figures[ended.pk]["source"], figures[ended.pk]["by_target_group"], figures[ended.pk]["total"]) == (
        "register",
        {},
        0,
    )


def test_refreshers_due_within_30_days_and_overdue(db):
    district = DistrictFactory()
    for day in (datetime.date(2026, 5, 31), datetime.date(2026, 1, 1)):  # overdue
        RepresentativeFactory(district=district, next_refresher=day)
    for day in (ON, datetime.date(2026, 7, 1)):  # due: from the day to 30 days on
        RepresentativeFactory(district=district, next_refresher=day)
    RepresentativeFactory(district=district, next_refresher=datetime.date(2026, 7, 2))  # later
    RepresentativeFactory(district=district, trained_on=None, next_refresher=None)  # never trained
    RepresentativeFactory(district=district, next_refresher=datetime.date(2026, 5, 1), ended_on=ON)  # left

    figures = representative_figures(district_ids=[district.pk], on=ON)[district.pk]

    assert (figures["due"], figures["overdue"], figures["total"]) == (2, 2, 6)


def test_the_register_marks_each_refresher_by_the_rule_the_counts_use(db):
    district = DistrictFactory()
    overdue = RepresentativeFactory(district=district, next_refresher=datetime.date(2026, 5, 31))
    # Leaves after the day: still in the role on it, so still overdue (the page used to say nothing).
    leaving = RepresentativeFactory(district=district, next_refresher=datetime.date(2026, 5, 1),
                                    ended_on=datetime.date(2026, 6, 15))  # fmt: skip
    due = RepresentativeFactory(district=district, next_refresher=datetime.date(2026, 7, 1))
    later = RepresentativeFactory(district=district, next_refresher=datetime.date(2026, 7, 2))
    left = RepresentativeFactory(district=district, next_refresher=datetime.date(2026, 5, 1), ended_on=ON)

    statuses = {r.pk: r.refresher for r in register_list(district=district, on=ON)}
    figures = representative_figures(district_ids=[district.pk], on=ON)[district.pk]

    assert statuses == {overdue.pk: "overdue", leaving.pk: "overdue", due.pk: "due", later.pk: "", left.pk: ""}
    assert (figures["overdue"], figures["due"]) == (2, 1)


def test_trainings_held_in_the_period_and_a_network_training_counts_once_in_the_scope(two_districts):
    farsta, kista = two_districts
    network = NetworkFactory(districts=[farsta, kista])
    reps = list(farsta.representatives.order_by("pk"))
    RepresentativeTrainingFactory(
        districts=[farsta, kista], network=network, date=datetime.date(2026, 3, 1), participants=12,
        representatives=reps[:2],
    )  # fmt: skip
    RepresentativeTrainingFactory(
        districts=[farsta], kind="refresher", date=datetime.date(2026, 4, 1), participants=3, representatives=reps[1:3]
    )
    RepresentativeTrainingFactory(districts=[farsta], date=datetime.date(2025, 12, 31), participants=4)  # before

    figures = representative_figures(
        district_ids=[farsta.pk, kista.pk], on=ON, period=Period.tertial(2026, 1), with_scope=True
    )

    pick = ("trainings", "refresher_trainings", "trained", "participants")
    assert [figures[farsta.pk][k] for k in pick] == [2, 1, 3, 15]
    assert [figures[kista.pk][k] for k in pick] == [1, 0, 0, 12]
    assert [figures[SCOPE][k] for k in pick] == [2, 1, 3, 15]
    assert figures[SCOPE]["by_target_group"] == {"under_65": 1, "65_plus": 5, "all": 1}
    assert (figures[SCOPE]["total"], figures[SCOPE]["source"]) == (7, "reference_2018")


def test_the_refresher_interval_keeps_to_the_month():
    assert add_months(datetime.date(2026, 3, 15), 12) == datetime.date(2027, 3, 15)
    assert add_months(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 12, 5), 1) == datetime.date(2027, 1, 5)
