"""The dashboards' query counts are the same at 100 and at 10,000 contacts; no page has inline code."""

import datetime
import re

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import AllocationFactory, ConsultantFactory
from districts.tests.factories import DistrictFactory
from figures.snapshots import figures_rebuild
from interventions.models import Contact
from interventions.tests.factories import AdviceTypeFactory


def _city_with(contacts: int):
    advice = AdviceTypeFactory()
    districts = [DistrictFactory(code=f"d{n}") for n in range(4)]
    consultants = []
    for district in districts:
        consultant = ConsultantFactory(home_district=district)
        AllocationFactory(consultant=consultant)
        consultants.append(consultant)
    caregivers = [[CaregiverFactory(districts=[district]) for _ in range(10)] for district in districts]
    Contact.objects.bulk_create(
        Contact(
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 300),
            channel=("phone", "home_visit", "email_sms")[n % 3],
            duration_minutes=15,
            intervention_type=advice,
            consultant=consultants[n % 4],
            district=districts[n % 4],
            target_group="65_plus",
            caregiver=caregivers[n % 4][n % 10] if n % 5 else None,  # every fifth contact anonymous
        )
        for n in range(contacts)
    )
    figures_rebuild()
    return districts


@pytest.mark.parametrize("contacts", [100, 10_000])
def test_dashboard_and_city_overview_query_counts_do_not_grow(
    db, login, django_assert_num_queries, contacts, moment_queries
):
    districts = _city_with(contacts)
    assert Contact.objects.count() == contacts
    manager = login(UserFactory(role=Role.MANAGER, districts=[districts[0]]))
    # 19 for the page and the district's profile, 2 for the months' approval section (the lock setting,
    # the months), 9 for the outcomes (summed from the facts: 4 for this period, 4 for the previous, and
    # the intervention types' names), 1 for the goals, 3 for the representatives' section (register, 2018
    # reference, trainings, trained; it replaces the profile's 1), 5 for the collaboration section
    # (this period and the previous one read together).
    # The follow-up figures are summed from the facts: 7 queries a period (the range's facts, the talk
    # series' history, the consultants', the intervention types' and the caregivers' attribute maps,
    # the meetings, the circles).
    with django_assert_num_queries(49 + moment_queries):  # the period's budget is one
        manager.get("/dashboard/d0/", {"kind": "year", "year": 2026})
    strategist = login(UserFactory(role=Role.STRATEGIST))
    # 11 for the page and its districts' rows, 4 for the outcomes (summed from the facts), 1 for the goals
    # (the districts are the page's), 5 for the collaboration section (per district and for the city as
    # one, from the same rows).
    with django_assert_num_queries(26 + moment_queries):
        strategist.get("/city/", {"kind": "year", "year": 2026})


def test_no_page_carries_inline_script_or_style(reference_data, login):
    """A strict Content-Security-Policy (no 'unsafe-inline') must be possible on every page."""
    from consultants.models import Consultant
    from districts.models import District

    bromma = District.objects.get(code="bromma")
    user = UserFactory(role=Role.STRATEGIST, districts=[bromma])
    pages = ["/", "/log/", "/contacts/", "/caregivers/", "/caregivers/new/", "/groups/", "/groups/new/",
             "/dashboard/bromma/", "/city/", "/districts/", "/collaboration/", "/collaboration/outreach/",
             "/collaboration/case-officers/", "/collaboration/partners/", "/districts/bromma/", "/consultants/",
             f"/consultants/{Consultant.objects.get(ref='K01').pk}/", "/goals/", "/goals/new/"]  # fmt: skip
    client = login(user)
    for path in pages:
        html = client.get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"\son[a-z]+=", html), path
        assert not re.search(r"(src|href)=\"(https?:)?//", html), path
