"""Hostile input thrown at the collaboration forms through their real views (as issue 6's tests do)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils.html import escape
from hypothesis import event, given
from hypothesis import strategies as st

from accounts.models import Role
from accounts.tests.factories import UserFactory
from anhorigstod.tests.hostile import HOSTILE, form_data, hostile_value
from anhorigstod.tests.test_hostile_input import _admin_form_data, assert_errors_shown, assert_no_raw_markup
from collaboration.models import CaseOfficerMeasurement, CollaborationActivity, OutreachActivity, Partner
from districts.tests.factories import DistrictFactory, NetworkFactory

from .factories import (
    CaseOfficerUnitFactory,
    CollaborationActivityFactory,
    MeasurementFactory,
    OutreachActivityFactory,
    PartnerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def farsta(db):
    return DistrictFactory(code="farsta", name="Farsta")


@pytest.fixture
def manager(farsta):
    return UserFactory(role=Role.MANAGER, districts=[farsta])


def _check(client, response, model, before: int, list_url: str, text_field: str) -> None:
    if response.status_code == 302:
        event("accepted")
        saved = model.objects.latest("pk")
        html = client.get(list_url).content.decode()
        assert_no_raw_markup(html, getattr(saved, text_field))
        assert escape(getattr(saved, text_field)) in html
    else:
        assert response.status_code == 200
        assert_errors_shown(response)
        assert model.objects.count() == before


@given(data=st.data())
@HOSTILE
def test_recording_a_collaboration_activity_survives_hostile_input(data, farsta, manager, login, in_english):
    client = login(manager)
    network = NetworkFactory(districts=[farsta])
    partner = PartnerFactory(districts=[farsta])
    valid = {
        "kind": st.sampled_from(["meeting", "joint_activity", "training"]),
        "date": "2025-05-14",
        "title": st.sampled_from(["Samverkansmöte", "Utbildning"]),
        "network": st.sampled_from(["", str(network.pk)]),
        "districts": str(farsta.pk),
        "partners": str(partner.pk),
        "participants_caregivers": "12",
        "participants_partner_staff": "",
        "note": "",
    }
    post = data.draw(form_data(valid))
    before = CollaborationActivity.objects.count()

    response = client.post("/collaboration/new/", post)

    _check(client, response, CollaborationActivity, before, "/collaboration/", "title")


@given(data=st.data())
@HOSTILE
def test_recording_outreach_survives_hostile_input(data, farsta, manager, login, in_english):
    client = login(manager)
    valid = {
        "kind": st.sampled_from(["newsletter", "carers_day", "theme_evening"]),
        "date": "2025-10-06",
        "title": "Anhörigdagen",
        "network": "",
        "districts": str(farsta.pk),
        "reach": st.sampled_from(["", "120"]),
        "note": "",
    }
    post = data.draw(form_data(valid))
    before = OutreachActivity.objects.count()

    response = client.post("/collaboration/outreach/new/", post)

    _check(client, response, OutreachActivity, before, "/collaboration/outreach/", "title")


@given(data=st.data())
@HOSTILE
def test_creating_a_partner_survives_hostile_input(data, farsta, manager, login, in_english):
    client = login(manager)
    valid = {
        "name": st.sampled_from(["Minnesmottagningen", "Svenska kyrkan"]),
        "kind": st.sampled_from(["memory_clinic", "church", "case_officer_unit"]),
        "districts": str(farsta.pk),
        "active": "on",
        "note": "",
    }
    post = data.draw(form_data(valid))
    before = Partner.objects.count()

    response = client.post("/collaboration/partners/new/", post)

    _check(client, response, Partner, before, "/collaboration/partners/", "name")


@given(data=st.data())
@HOSTILE
def test_entering_a_measurement_survives_hostile_input(data, farsta, manager, login, in_english):
    client = login(manager)
    unit = CaseOfficerUnitFactory(name="Farsta biståndsenhet", districts=[farsta])
    valid = {
        "unit": str(unit.pk),
        "starts_on": "2025-01-01",
        "ends_on": "2025-06-30",
        "new_cases": "167",
        "informed_cases": "71",
        "note": "",
    }
    post = data.draw(form_data(valid))
    before = CaseOfficerMeasurement.objects.count()

    response = client.post("/collaboration/case-officers/new/", post)

    if response.status_code == 302:
        event("accepted")
        CaseOfficerMeasurement.objects.all().delete()  # the next example starts without an overlap
    else:
        assert response.status_code == 200
        assert_errors_shown(response)
        assert CaseOfficerMeasurement.objects.count() == before


@pytest.fixture
def admin_objects(farsta):
    return {
        "partner": PartnerFactory(name="Minnesmottagningen", districts=[farsta]),
        "collaborationactivity": CollaborationActivityFactory(districts=[farsta]),
        "outreachactivity": OutreachActivityFactory(districts=[farsta]),
        "caseofficermeasurement": MeasurementFactory(unit=CaseOfficerUnitFactory(districts=[farsta])),
    }


def _raw_markup_count(html: str, value: str) -> int:
    return html.count(value) if "<" in value else 0


@pytest.mark.parametrize("model", ["partner", "collaborationactivity", "outreachactivity", "caseofficermeasurement"])
@given(data=st.data())
@HOSTILE
def test_admin_change_forms_survive_hostile_input(data, model, admin_objects, manager, login, in_english):
    obj = admin_objects[model]
    client = login(manager)
    url = f"/admin/collaboration/{model}/{obj.pk}/change/"
    page = client.get(url)
    base = _admin_form_data(page)
    editable = sorted(page.context["adminform"].form.fields)
    hostile = data.draw(st.dictionaries(st.sampled_from(editable), hostile_value, min_size=1, max_size=3))
    stored = type(obj)._default_manager.values().get(pk=obj.pk)
    shown_pages = (url, f"/admin/collaboration/{model}/")
    # The admin's own markup (its "<!--" comments) is there before anything is stored.
    known = {shown: client.get(shown).content.decode() for shown in shown_pages}
    savepoint = transaction.savepoint()
    try:
        response = client.post(url, base | hostile)

        if response.status_code == 302:
            event("accepted")
            texts = [str(v) for v in type(obj)._default_manager.values().get(pk=obj.pk).values()]
            for shown in shown_pages:
                html = client.get(shown).content.decode()
                assert_no_raw_markup(html)
                for text in texts:
                    assert _raw_markup_count(html, text) <= _raw_markup_count(known[shown], text), text
        else:
            assert response.status_code == 200
            assert response.context["adminform"].form.errors or response.context["errors"]
            assert type(obj)._default_manager.values().get(pk=obj.pk) == stored
    finally:
        transaction.savepoint_rollback(savepoint)
