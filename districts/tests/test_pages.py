import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from consultants.tests.factories import AllocationFactory, ConsultantFactory
from districts.models import District
from districts.tests.factories import (
    DistrictFactory,
    NetworkFactory,
    RepresentativeCountFactory,
    SupportPurchaseFactory,
)
from interventions.tests.factories import DistrictOfferingFactory


def test_district_list_is_scoped(db, login):
    bromma, farsta = DistrictFactory(code="bromma", name="Bromma"), DistrictFactory(code="farsta", name="Farsta")
    consultant = ConsultantFactory(home_district=bromma)
    AllocationFactory(consultant=consultant)
    AllocationFactory(consultant=consultant, district=farsta)

    response = login(UserFactory(role=Role.MANAGER, districts=[bromma])).get("/districts/")

    assert [(d.code, d.consultant_count) for d in response.context["districts"]] == [("bromma", 1)]


@pytest.mark.parametrize("n", [2, 10])
def test_district_list_query_count_does_not_grow(db, login, django_assert_num_queries, n):
    districts = DistrictFactory.create_batch(n)
    NetworkFactory(districts=districts)

    client = login(UserFactory(role=Role.STRATEGIST))
    # session, user, permissions (user, group), the municipality's districts, districts, networks,
    # session renewal (2)
    with django_assert_num_queries(8):
        response = client.get("/districts/")

    assert len(response.context["districts"]) == n


def test_district_page_shows_its_records_in_fixed_queries(db, login, django_assert_num_queries):
    district = DistrictFactory(code="alvsjo", name="Älvsjö")
    seller = DistrictFactory(code="hl", name="Hägersten-Liljeholmen")
    SupportPurchaseFactory(buyer=district, seller=seller, share_percent=25)
    RepresentativeCountFactory(district=district, count=4)
    DistrictOfferingFactory(district=district)
    for _ in range(3):
        AllocationFactory(consultant=ConsultantFactory(home_district=seller), district=district, percent=20)
    client = login(UserFactory(role=Role.MANAGER, districts=[district]))

    # 15: the representatives are the register's (empty here) or else the 2018 reference's: 2 queries.
    with django_assert_num_queries(16):  # the budgets in force over time: one
        response = client.get("/districts/alvsjo/")

    assert response.status_code == 200
    assert [p.seller.code for p in response.context["purchases"]] == ["hl"]
    # The sections the apps above register, in their order: staffing, offerings, representatives.
    sections = dict(response.context["sections"])
    assert list(sections) == [
        "consultants/_district_allocations.html",
        "interventions/_district_offerings.html",
        "representatives/_district_representatives.html",
    ]
    representatives = sections["representatives/_district_representatives.html"]
    assert (representatives["source"], representatives["by_target_group"]) == ("reference_2018", {"65_plus": 4})
    assert len(sections["consultants/_district_allocations.html"]) == 3
    assert len(sections["interventions/_district_offerings.html"]) == 1
    html = response.content.decode()
    assert html.index("Anhörigkonsulenter") < html.index("Utbud enligt basnivån") < html.index("Anhörigombud")


def test_district_page_of_another_district_is_404(db, login):
    DistrictFactory(code="farsta")
    client = login(UserFactory(role=Role.CONSULTANT, districts=[DistrictFactory(code="bromma")]))

    assert client.get("/districts/farsta/").status_code == 404
    assert client.get("/districts/nowhere/").status_code == 404
    assert client.get("/districts/bromma/").status_code == 200


def test_user_without_districts_sees_an_explanation(in_english, db, login):
    DistrictFactory()
    response = login(UserFactory(role=Role.CONSULTANT)).get("/districts/")

    assert list(response.context["districts"]) == []
    assert "You serve no district yet" in response.content.decode()
    assert District.objects.count() == 1
