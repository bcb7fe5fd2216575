"""A database outage on the app's own connections, over real HTTP against gunicorn.

The app reaches PostgreSQL through a proxy the test cuts: the connections gunicorn's workers hold
break and new ones are refused, as when the server restarts, while PostgreSQL itself stays up for
everyone else.
"""

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Role
from accounts.services import user_create
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from interventions.models import Contact
from interventions.tests.factories import AdviceTypeFactory, GuidanceTalksTypeFactory

from .gunicorn import start_gunicorn, stop
from .http_client import CSRF_INPUT, TOKEN_INPUT, HttpUser
from .tcp_proxy import CuttableProxy

PASSWORD = "a-long-outage-password"


@pytest.fixture
def consultant(transactional_db, postgresql):
    bromma = DistrictFactory(code="bromma", name="Bromma", talk_cap=3)
    AdviceTypeFactory()
    GuidanceTalksTypeFactory()
    user = user_create(username="kim", role=Role.CONSULTANT, password=PASSWORD, district_codes=["bromma"])
    ConsultantFactory(home_district=bromma, user=user, target_group="65_plus")
    return user


@pytest.fixture
def app_behind_proxy(consultant, tmp_path):
    s = connection.settings_dict
    proxy = CuttableProxy(s["HOST"] or "127.0.0.1", int(s["PORT"] or 5432))
    url = f"postgres://{s['USER']}@127.0.0.1:{proxy.port}/{s['NAME']}"
    process, base_url = start_gunicorn({"DATABASE_URL": url}, tmp_path / "gunicorn.log", workers=1)
    yield proxy, base_url
    stop(process)
    proxy.close()


def _log_form(user: HttpUser) -> dict:
    page = user.get("/log/")
    assert page.status == 200, page.text[:2000]
    bromma = DistrictFactory._meta.model.objects.get(code="bromma")
    advice = AdviceTypeFactory._meta.model.objects.get(code="advice")
    return {
        "csrfmiddlewaretoken": page.field(CSRF_INPUT), "submission_token": page.field(TOKEN_INPUT),
        "caregiver": "", "intervention_type": advice.pk, "channel": "phone", "duration_minutes": "15",
        "date": timezone.localdate().isoformat(), "district": bromma.pk, "target_group": "",
        "referral_destination": "",
    }  # fmt: skip


def test_during_a_database_outage_a_save_gets_a_swedish_503_and_the_retry_saves_once(app_behind_proxy):
    proxy, base_url = app_behind_proxy
    user = HttpUser(base_url)
    user.log_in("kim", PASSWORD)
    form = _log_form(user)

    proxy.cut()
    during = [user.post("/log/", form) for _ in range(3)]
    proxy.restore()
    retried = user.post("/log/", form)
    again = user.post("/log/", form)  # a second press of the same form after the outage

    assert [a.status for a in during] == [503, 503, 503]
    assert all("Databasen går inte att nå just nu, så inget sparades." in a.text for a in during)
    assert all(a.headers.get("Retry-After") == "10" for a in during)
    assert "Server Error" not in during[0].text
    assert (retried.status, retried.headers.get("Location")) == (302, "/log/")
    assert (again.status, again.headers.get("Location")) == (302, "/log/")
    assert Contact.objects.count() == 1


def test_with_the_database_gone_every_page_is_a_503_not_a_500(app_behind_proxy):
    proxy, base_url = app_behind_proxy
    user = HttpUser(base_url)
    user.log_in("kim", PASSWORD)

    proxy.cut()
    answers = {path: user.get(path).status for path in ("/log/", "/contacts/", "/caregivers/", "/dashboard/")}
    proxy.restore()

    assert answers == {"/log/": 503, "/contacts/": 503, "/caregivers/": 503, "/dashboard/": 503}
    assert user.get("/log/").status == 200
