import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.models import Role
from accounts.scoping import SYSTEM
from accounts.tests.factories import UserFactory
from consultants.models import AssignmentDescription, DescriptionAssignment
from consultants.selectors import consultants_with_current_description, description_coverage
from consultants.services import (
    assignment_description_adopt,
    assignment_description_new_version,
    consultant_link_user,
    description_assign,
)
from consultants.tests.factories import (
    AllocationFactory,
    AssignmentDescriptionFactory,
    AssignmentTaskFactory,
    ConsultantFactory,
    DescriptionAssignmentFactory,
)
from districts.tests.factories import DistrictFactory

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "adopted_on", "current"),
    [
        (datetime.date(2026, 1, 1), None, datetime.date(2025, 12, 1), True),
        (datetime.date(2026, 6, 15), datetime.date(2026, 6, 15), datetime.date(2026, 6, 15), True),
        (datetime.date(2025, 1, 1), datetime.date(2026, 6, 14), datetime.date(2025, 1, 1), False),  # expired
        (datetime.date(2026, 6, 16), None, datetime.date(2026, 1, 1), False),  # not yet valid
        (datetime.date(2026, 1, 1), None, datetime.date(2026, 7, 1), False),  # adopted later
    ],
)
def test_current_description_respects_validity_and_adoption(db, valid_from, valid_until, adopted_on, current):
    assignment = DescriptionAssignmentFactory(valid_from=valid_from, valid_until=valid_until)
    AssignmentDescription.objects.filter(pk=assignment.description_id).update(adopted_on=adopted_on)

    result = list(consultants_with_current_description(user=SYSTEM, on=TODAY))

    assert result == ([assignment.consultant] if current else [])


def test_a_draft_never_counts_as_documented(db):
    assignment = DescriptionAssignmentFactory(valid_from=datetime.date(2026, 1, 1))
    AssignmentDescription.objects.filter(pk=assignment.description_id).update(adopted_on=None)

    assert list(consultants_with_current_description(user=SYSTEM, on=TODAY)) == []


def test_current_description_count_is_scoped(db):
    bromma, farsta = DistrictFactory(), DistrictFactory()
    DescriptionAssignmentFactory(
        consultant=ConsultantFactory(home_district=bromma), valid_from=datetime.date(2026, 1, 1)
    )
    DescriptionAssignmentFactory(
        consultant=ConsultantFactory(home_district=farsta), valid_from=datetime.date(2026, 1, 1)
    )
    manager = UserFactory(role=Role.MANAGER, districts=[bromma])

    assert consultants_with_current_description(user=manager, on=TODAY).count() == 1
    assert consultants_with_current_description(user=SYSTEM, on=TODAY).count() == 2


def test_new_version_copies_tasks_as_a_draft_and_keeps_the_old_version(db):
    district = DistrictFactory()
    v1 = AssignmentDescriptionFactory(district=district, series="doc", adopted_on=datetime.date(2024, 1, 1))
    AssignmentTaskFactory(description=v1, kind="operative", text="Offer advice", position=0)
    AssignmentTaskFactory(description=v1, kind="strategic", text="Train representatives", position=0)

    v2 = assignment_description_new_version(description=v1)
    v3 = assignment_description_new_version(description=v1)

    assert (v2.version, v3.version, v2.adopted_on, v2.district) == (2, 3, None, district)
    assert sorted(v2.tasks.values_list("kind", "text")) == [
        ("operative", "Offer advice"),
        ("strategic", "Train representatives"),
    ]
    v1.refresh_from_db()
    assert (v1.version, v1.adopted_on, v1.tasks.count()) == (1, datetime.date(2024, 1, 1), 2)


def test_district_adopts_the_template_with_amendments(db):
    template = AssignmentDescriptionFactory(district=None, series="mall", title="Template")
    AssignmentTaskFactory(description=template, kind="operative", text="Offer advice", position=0)
    farsta = DistrictFactory(name="Farsta", code="farsta")

    adopted = assignment_description_adopt(
        template=template,
        district=farsta,
        adopted_on=datetime.date(2026, 2, 1),
        target_group="65_plus",
        amendments=[("general", "Mark the national carers' day")],
    )

    assert (adopted.district, adopted.based_on, adopted.version, adopted.title) == (
        farsta,
        template,
        1,
        "Template, Farsta",
    )
    assert list(adopted.tasks.order_by("position").values_list("text", "is_amendment")) == [
        ("Offer advice", False),
        ("Mark the national carers' day", True),
    ]
    again = assignment_description_adopt(template=template, district=farsta, adopted_on=None, target_group="65_plus")
    assert (again.series, again.version) == (adopted.series, 2)


def test_only_a_template_can_be_adopted(db):
    district_description = AssignmentDescriptionFactory(district=DistrictFactory())

    with pytest.raises(ValidationError, match="Only a city-wide template"):
        assignment_description_adopt(template=district_description, district=DistrictFactory(), adopted_on=None)
    assert AssignmentDescription.objects.count() == 1


def test_a_draft_cannot_be_assigned(db):
    consultant = ConsultantFactory()
    draft = AssignmentDescriptionFactory(district=consultant.home_district, adopted_on=None)

    with pytest.raises(ValidationError) as excinfo:
        description_assign(consultant=consultant, description=draft, valid_from=TODAY)

    assert "description" in excinfo.value.message_dict
    assert DescriptionAssignment.objects.count() == 0


def test_assignment_end_before_start_is_refused_on_the_end_date(db):
    consultant = ConsultantFactory()
    description = AssignmentDescriptionFactory(district=consultant.home_district)

    with pytest.raises(ValidationError) as excinfo:
        description_assign(
            consultant=consultant, description=description, valid_from=TODAY, valid_until=TODAY - datetime.timedelta(1)
        )

    assert list(excinfo.value.message_dict) == ["valid_until"]
    assert DescriptionAssignment.objects.count() == 0


def test_only_a_consultant_user_can_be_linked_to_a_consultant(db):
    consultant = ConsultantFactory()

    with pytest.raises(ValidationError):
        consultant_link_user(consultant=consultant, user=UserFactory(role=Role.MANAGER))
    user = UserFactory(role=Role.CONSULTANT)
    consultant_link_user(consultant=consultant, user=user)

    consultant.refresh_from_db()
    assert consultant.user == user


def test_description_coverage_counts_per_district_and_a_shared_consultant_once_together(db):
    bromma, farsta, kista = DistrictFactory(), DistrictFactory(), DistrictFactory()
    shared = ConsultantFactory(home_district=bromma)
    AllocationFactory(consultant=shared, district=bromma, percent=50)
    AllocationFactory(consultant=shared, district=farsta, percent=50)
    AllocationFactory(consultant=ConsultantFactory(home_district=farsta), district=farsta)
    AllocationFactory(consultant=ConsultantFactory(home_district=kista), district=kista)
    DescriptionAssignmentFactory(consultant=shared, valid_from=datetime.date(2026, 1, 1))
    on = datetime.date(2026, 6, 30)

    scope = description_coverage(on=on, district_ids=[bromma.pk, farsta.pk])
    city = description_coverage(on=on)

    assert scope == {bromma.pk: (1, 1), farsta.pk: (1, 2), None: (1, 2)}
    assert city == {bromma.pk: (1, 1), farsta.pk: (1, 2), kista.pk: (0, 1), None: (1, 3)}
    assert description_coverage(on=datetime.date(2025, 12, 31))[None] == (0, 3)  # not yet valid
