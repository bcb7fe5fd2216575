import datetime

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from consultants.tests.factories import (
    AllocationFactory,
    AssignmentDescriptionFactory,
    AssignmentTaskFactory,
    ConsultantFactory,
    DescriptionAssignmentFactory,
)
from districts.tests.factories import DistrictFactory


def _district_with_consultants(n: int):
    district = DistrictFactory()
    for _ in range(n):
        consultant = ConsultantFactory(home_district=district)
        AllocationFactory(consultant=consultant, percent=50)
        DescriptionAssignmentFactory(consultant=consultant)
    return district


@pytest.mark.parametrize("n", [1, 12])
def test_consultant_list_query_count_does_not_grow(db, login, django_assert_num_queries, n):
    district = _district_with_consultants(n)
    client = login(UserFactory(role=Role.MANAGER, districts=[district]))

    # session, user, permissions (user, group), scope, consultants, methods; then the session's
    # expiry is renewed (update inside a savepoint), which idle logout depends on
    with django_assert_num_queries(8):
        response = client.get("/consultants/")

    assert len(response.context["consultants"]) == n


def test_consultant_list_flags_over_allocation(in_english, db, login):
    district = DistrictFactory()
    consultant = ConsultantFactory(home_district=district, employment_percent=50, ref="K99")
    AllocationFactory(consultant=consultant, percent=40)
    AllocationFactory(consultant=consultant, district=DistrictFactory(), percent=30)
    client = login(UserFactory(role=Role.STRATEGIST))

    response = client.get("/consultants/")

    row = response.context["consultants"][0]
    assert (row.ref, row.allocated_percent) == ("K99", 70)
    assert "over-allocated" in response.content.decode()


def test_consultant_page_shows_current_description_and_allocations(db, login, django_assert_num_queries):
    district = DistrictFactory(name="Bromma")
    consultant = ConsultantFactory(home_district=district, ref="K01", employment_percent=80)
    AllocationFactory(consultant=consultant, percent=80)
    assignment = DescriptionAssignmentFactory(consultant=consultant, valid_from=datetime.date(2024, 1, 1))
    client = login(UserFactory(role=Role.CONSULTANT, districts=[district]))

    with django_assert_num_queries(11):
        response = client.get(f"/consultants/{consultant.pk}/")

    assert response.context["current"] == assignment
    assert response.context["allocated_percent"] == 80


def test_description_page_lists_tasks_by_kind_and_versions(in_english, db, login):
    district = DistrictFactory()
    description = AssignmentDescriptionFactory(district=district, series="doc")
    AssignmentTaskFactory(description=description, kind="strategic", text="Follow research")
    AssignmentTaskFactory(description=description, kind="operative", text="Offer advice")
    AssignmentDescriptionFactory(district=district, series="doc", version=2, adopted_on=None)
    client = login(UserFactory(role=Role.CONSULTANT, districts=[district]))

    response = client.get(f"/consultants/descriptions/{description.pk}/")

    assert [t.text for t in response.context["tasks"]] == ["Offer advice", "Follow research"]
    assert [v.version for v in response.context["versions"]] == [2, 1]


def test_description_of_another_district_is_404(db, login):
    description = AssignmentDescriptionFactory(district=DistrictFactory())
    client = login(UserFactory(role=Role.CONSULTANT, districts=[DistrictFactory()]))

    assert client.get(f"/consultants/descriptions/{description.pk}/").status_code == 404
