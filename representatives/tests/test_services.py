"""Recording a training moves the trained representatives' dates; bad input saves nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from districts.tests.factories import DistrictFactory
from representatives.models import Representative, RepresentativeTraining
from representatives.services import representative_create, representative_training_record, representative_update
from representatives.tests.factories import RepresentativeFactory

VALID = {"unit_kind": "care_home", "unit_name": "Solgården", "label": "AB", "target_group": "65_plus"}


def test_a_new_representative_gets_the_refresher_12_months_after_the_training(db):
    district = DistrictFactory()

    rep = representative_create(district=district, **VALID, trained_on=datetime.date(2026, 1, 31))
    by_hand = representative_create(
        district=district, **(VALID | {"label": "CD"}), trained_on=datetime.date(2026, 1, 31),
        next_refresher=datetime.date(2026, 9, 1),
    )  # fmt: skip
    untrained = representative_create(district=district, **(VALID | {"label": "EF"}))

    assert (rep.trained_on, rep.next_refresher) == (datetime.date(2026, 1, 31), datetime.date(2027, 1, 31))
    assert by_hand.next_refresher == datetime.date(2026, 9, 1)
    assert (untrained.trained_on, untrained.next_refresher) == (None, None)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"trained_on": datetime.date(2026, 3, 1), "next_refresher": datetime.date(2026, 3, 1)}, "next_refresher",
         "The next refresher must come after the training."),
        ({"next_refresher": datetime.date(2026, 3, 1)}, "next_refresher",
         "Set when the representative was trained first."),
        ({"trained_on": datetime.date(2026, 3, 1), "ended_on": datetime.date(2026, 2, 1)}, "ended_on",
         "The end date must not be before the training."),
        ({"label": ""}, "label", "This field cannot be blank."),
    ],
)  # fmt: skip
def test_bad_representatives_are_refused_on_the_field(db, in_english_thread, values, field, message):
    district = DistrictFactory()

    with pytest.raises(ValidationError) as error:
        representative_create(district=district, **(VALID | values))

    assert error.value.message_dict[field] == [message]
    assert Representative.objects.count() == 0
    # The same input without the fault is saved: the check under test is what refused it.
    representative_create(district=district, **VALID)
    assert Representative.objects.count() == 1


def test_a_training_sets_trained_on_and_the_next_refresher_of_those_trained(db):
    district = DistrictFactory()
    old = RepresentativeFactory(district=district, trained_on=datetime.date(2025, 1, 10), next_refresher=None)
    new = RepresentativeFactory(district=district, trained_on=None, next_refresher=None)
    later = RepresentativeFactory(
        district=district, trained_on=datetime.date(2026, 4, 1), next_refresher=datetime.date(2027, 4, 1)
    )
    untouched = RepresentativeFactory(district=district, trained_on=datetime.date(2025, 1, 10))

    training = representative_training_record(
        user=None,
        districts=[district],
        date=datetime.date(2026, 3, 15),
        kind="refresher",
        title="  Refresher spring 2026 ",
        representatives=[old, new, later],
    )

    for rep in (old, new, later, untouched):
        rep.refresh_from_db()
    assert (old.trained_on, old.next_refresher) == (datetime.date(2026, 3, 15), datetime.date(2027, 3, 15))
    assert (new.trained_on, new.next_refresher) == (datetime.date(2026, 3, 15), datetime.date(2027, 3, 15))
    # A later training already recorded stays: dates only move forward.
    assert (later.trained_on, later.next_refresher) == (datetime.date(2026, 4, 1), datetime.date(2027, 4, 1))
    assert untouched.trained_on == datetime.date(2025, 1, 10)
    assert (training.title, training.participants) == ("Refresher spring 2026", 3)
    assert list(training.districts.all()) == [district]


def test_a_bad_training_is_refused_and_nothing_moves(db, in_english_thread):
    district, other = DistrictFactory(), DistrictFactory()
    rep = RepresentativeFactory(district=district, trained_on=datetime.date(2025, 1, 10))
    stranger = RepresentativeFactory(district=other, label="ZZ")
    left = RepresentativeFactory(district=district, label="LL", ended_on=datetime.date(2026, 1, 1))
    valid = {"user": None, "districts": [district], "date": datetime.date(2026, 3, 15), "kind": "initial", "title": "T"}

    with pytest.raises(ValidationError) as too_few:
        representative_training_record(**valid, representatives=[rep], participants=0)
    with pytest.raises(ValidationError) as not_ours:
        representative_training_record(**valid, representatives=[rep, stranger])
    with pytest.raises(ValidationError) as gone:
        representative_training_record(**valid, representatives=[left])
    with pytest.raises(ValidationError) as no_title:
        representative_training_record(**(valid | {"title": " "}), representatives=[rep])

    too_few_message = "Participants cannot be fewer than the representatives trained (1)."
    assert too_few.value.message_dict == {"participants": [too_few_message]}
    assert not_ours.value.message_dict == {
        "representatives": [f"{stranger} is not a representative of the training's districts."]
    }
    assert gone.value.message_dict == {"representatives": [f"{left} had left the role before the training."]}
    assert no_title.value.message_dict == {"title": ["This field cannot be blank."]}
    assert RepresentativeTraining.objects.count() == 0
    rep.refresh_from_db()
    assert rep.trained_on == datetime.date(2025, 1, 10)
    representative_training_record(**valid, representatives=[rep], participants=1)
    rep.refresh_from_db()
    assert rep.trained_on == datetime.date(2026, 3, 15)


def test_an_update_keeps_the_district(db):
    rep = RepresentativeFactory(trained_on=None, next_refresher=None)

    with pytest.raises(TypeError):
        representative_update(representative=rep, district=DistrictFactory())
    representative_update(representative=rep, unit_name=" Ängen ", trained_on=datetime.date(2026, 5, 5))

    rep.refresh_from_db()
    assert (rep.unit_name, rep.next_refresher) == ("Ängen", datetime.date(2027, 5, 5))
