"""The dashboard and the city page are served again while the data is unchanged, never after a write
(figures.moment_cache). The rows are committed here (transactional_db): the cache sees only what is
committed, and a test's own open transaction is never served from it."""

import logging
import re

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from consultants.tests.factories import AllocationFactory, ConsultantFactory
from districts.tests.factories import DistrictFactory
from figures.moment_cache import CACHE_PAUSE_SECONDS, _key, data_moment
from figures.snapshots import figures_rebuild
from interventions.services import contact_log
from interventions.tests.factories import AdviceTypeFactory, ContactFactory

DAY = timezone.localdate()  # an open month: logging is allowed
YEAR = {"kind": "year", "year": DAY.year}


@pytest.fixture
def city(postgresql):
    bromma, kista = DistrictFactory(code="bromma", name="Bromma"), DistrictFactory(code="kista", name="Kista")
    advice = AdviceTypeFactory()
    consultants = {}
    for district, n in ((bromma, 3), (kista, 5)):
        consultant = consultants[district.code] = ConsultantFactory(home_district=district)
        AllocationFactory(consultant=consultant, district=district, percent=80)
        for _ in range(n):
            ContactFactory(district=district, consultant=consultant, intervention_type=advice, date=DAY)
    figures_rebuild()
    return {"bromma": bromma, "kista": kista, "advice": advice, "consultants": consultants}


def _contacts_shown(response) -> int:
    cell = re.search(r'data-figure="contacts"><th[^>]*>[^<]*</th><td[^>]*>([^<]+)</td>', response.content.decode())
    return int(cell.group(1))


def _body(response) -> str:
    html = response.content.decode()
    return html[html.index('id="freshness"') :]


@pytest.mark.django_db(transaction=True)
def test_a_dashboard_is_served_again_until_anything_is_written(city, login, django_assert_num_queries):
    manager = UserFactory(role=Role.MANAGER, districts=[city["bromma"]])
    client = login(manager)
    client.get("/dashboard/bromma/", YEAR)  # renews the session the login made: a write
    first = client.get("/dashboard/bromma/", YEAR)
    assert _contacts_shown(first) == 3

    # Served again: the session, the user, the user's districts, the district, the data's name.
    with django_assert_num_queries(5):
        again = client.get("/dashboard/bromma/", YEAR)
    assert _body(again) == _body(first)

    consultant = city["consultants"]["bromma"]
    consultant.user = UserFactory(role=Role.CONSULTANT, districts=[city["bromma"]])
    consultant.save()
    contact_log(user=consultant.user, consultant=consultant, date=DAY, channel="phone", duration_minutes=5,
                intervention_type=city["advice"], district=city["bromma"],
                target_group=consultant.target_group)  # fmt: skip

    assert _contacts_shown(client.get("/dashboard/bromma/", YEAR)) == 4  # at once: the write changed the data's name
    # Another period or target group is another page.
    assert _contacts_shown(client.get("/dashboard/bromma/", {"kind": "year", "year": DAY.year - 1})) == 0


@pytest.mark.django_db(transaction=True)
def test_the_city_page_is_served_again_until_anything_is_written(city, login, django_assert_num_queries):
    client = login(UserFactory(role=Role.STRATEGIST))
    client.get("/city/", YEAR)  # renews the session the login made: a write
    first = client.get("/city/", YEAR)
    assert 'data-district="kista"' in first.content.decode()
    with django_assert_num_queries(3):  # the session, the user, the data's name
        again = client.get("/city/", YEAR)
    assert again.content.decode().split('id="freshness"')[1] == first.content.decode().split('id="freshness"')[1]

    ContactFactory(district=city["kista"], consultant=city["consultants"]["kista"],
                   intervention_type=city["advice"], date=DAY)  # fmt: skip
    figures_rebuild()
    rows = client.get("/city/", YEAR).context["overview"]["rows"]  # computed again: the context is there
    assert {r["district"]["code"]: r["values"]["contacts"] for r in rows} == {"bromma": 3, "kista": 6}


@pytest.mark.django_db(transaction=True)
def test_a_reader_without_access_is_refused_before_anything_kept_is_served(city, login):
    login(UserFactory(role=Role.MANAGER, districts=[city["bromma"]])).get("/dashboard/bromma/", YEAR)

    other = login(UserFactory(role=Role.MANAGER, districts=[city["kista"]]))

    assert other.get("/dashboard/bromma/", YEAR).status_code == 404
    assert other.get("/city/", YEAR).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_nothing_is_kept_inside_a_transaction_that_has_written(city):
    assert data_moment() is not None
    with transaction.atomic():
        assert data_moment() is not None  # read only so far
        DistrictFactory(code="vasby")
        assert data_moment() is None  # its own rows are not in the snapshot's name


@pytest.mark.django_db(transaction=True)
def test_two_databases_on_one_server_never_share_a_kept_page(city, monkeypatch):
    moment = data_moment()
    here = _key("dashboard", (1, ""), moment)
    monkeypatch.setitem(connection.settings_dict, "NAME", "another_installation")

    assert _key("dashboard", (1, ""), moment) != here


@pytest.mark.django_db(transaction=True)
def test_pages_are_computed_when_the_cache_is_gone(city, login, caplog):
    gone = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0",
                        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}  # fmt: skip
    client = login(UserFactory(role=Role.MANAGER, districts=[city["bromma"]]))
    with override_settings(CACHES=gone), caplog.at_level(logging.WARNING, logger="figures.moment_cache"):
        response = client.get("/dashboard/bromma/", YEAR)
        again = client.get("/dashboard/bromma/", {**YEAR, "target_group": "65_plus"})

    assert (response.status_code, again.status_code) == (200, 200)
    assert _contacts_shown(response) == 3
    # One failed call, then the cache is left alone for a while: not one failure per figure or page.
    assert [r.getMessage() for r in caplog.records if r.name == "figures.moment_cache"] == [
        f"The figures cache failed (reading dashboard); computing without it for {CACHE_PAUSE_SECONDS:.0f} s"
    ]
