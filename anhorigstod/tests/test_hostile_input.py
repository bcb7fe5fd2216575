"""Hostile input thrown at every form through its real view (issue 6).

Each test submits a form whose every field is either valid or hostile (see ``hostile.py``) as a
user of the role that uses the form. The test client re-raises a view's exception, so a server
error fails the test with its traceback. Every example then checks: a rejected submission answers
200/400 with its error messages shown and nothing saved; an accepted one stores text that every
page showing it renders escaped.
"""

from __future__ import annotations

import datetime
import http.client
import io
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.forms.formsets import DEFAULT_MAX_NUM, BaseFormSet
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import event, example, given
from hypothesis import strategies as st

from accounts.models import Role, User
from accounts.scoping import forget_scope
from accounts.tests.factories import UserFactory
from anhorigstod.request_guards import MAX_FORMSET_FORMS, GuardedWSGIRequest
from caregivers.models import Caregiver, SupportContactOffer
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import (
    AllocationFactory,
    AssignmentDescriptionFactory,
    AssignmentTaskFactory,
    ConsultantFactory,
)
from districts.models import Budget, District
from districts.tests.factories import DistrictFactory, NetworkFactory
from followup.models import FollowupReport
from interventions.models import Contact, Group, GroupMeeting, InterventionCategory
from interventions.tests.factories import (
    AdviceTypeFactory,
    ContactFactory,
    GroupFactory,
    GuidanceTalksTypeFactory,
    InterventionTypeFactory,
    OrganiserFactory,
)

from .access_matrix import LOGGED_IN, discover_patterns, expectations, expected_keys
from .gunicorn import start_gunicorn, stop
from .hostile import (
    ABSURD_FORMSET_COUNTS,
    HOSTILE,
    MULTIPART_BOUNDARY,
    SCRIPT,
    UNDECODABLE_QUERY_CONTENT_TYPES,
    form_data,
    hostile_number,
    hostile_text,
    hostile_value,
    undecodable_posts,
)
from .test_access_matrix import _world, urls_for

pytestmark = pytest.mark.django_db


# --- Checks shared by every form --------------------------------------------------------------


def _html(response) -> str:
    return response.content.decode()


def assert_errors_shown(response, form_name: str = "form") -> None:
    """A rejected submission: the form has errors, and each message is on the page."""
    form = response.context[form_name]
    assert form.errors, "a rejected submission must say why"
    html = _html(response)
    for messages in form.errors.values():
        for message in messages:
            assert escape(message) in html, message


def assert_no_raw_markup(html: str, *values: str) -> None:
    """No stored text containing markup appears unescaped."""
    assert SCRIPT not in html
    assert "<img src=x onerror" not in html and "<svg onload" not in html
    for value in values:
        if "<" in value:
            assert value not in html


# --- Fixtures --------------------------------------------------------------------------------


@pytest.fixture
def bromma(db):
    return DistrictFactory(code="bromma", name="Bromma", talk_cap=3)


@pytest.fixture
def types(db):
    return {
        "advice": AdviceTypeFactory(),
        "talks": GuidanceTalksTypeFactory(),
        "groups": InterventionTypeFactory(code="own_groups", category=InterventionCategory.KNOWLEDGE_AND_COMMUNITY),
        "circles": InterventionTypeFactory(code="circles", category=InterventionCategory.KNOWLEDGE_AND_COMMUNITY),
    }


@pytest.fixture
def consultant(bromma, types) -> User:
    user = UserFactory(role=Role.CONSULTANT, districts=[bromma])
    ConsultantFactory(home_district=bromma, user=user, target_group="65_plus")
    return user


@pytest.fixture
def caregiver(bromma):
    return CaregiverFactory(label="AB", districts=[bromma])


# --- Caregivers ------------------------------------------------------------------------------


def _caregiver_valid(district: District) -> dict:
    return {
        "label": st.sampled_from(["AB", "Anna K", "CD 2"]),
        "districts": str(district.pk),
        "target_group": "65_plus",
        "relation": "partner",
        "condition": "dementia",
        "gender": "woman",
        "age_band": "65-79",
        "birth_year": "1950",
    }


@given(data=st.data())
@HOSTILE
def test_registering_a_caregiver_survives_hostile_input(data, consultant, bromma, login, in_english):
    client = login(consultant)
    post = data.draw(form_data(_caregiver_valid(bromma)))
    before = Caregiver.objects.count()

    response = client.post("/caregivers/new/", post)

    if response.status_code == 302:
        event("accepted")
        caregiver = Caregiver.objects.latest("pk")
        for page in (f"/caregivers/{caregiver.pk}/", "/caregivers/", f"/caregivers/?q={caregiver.label}", "/log/"):
            html = _html(client.get(page))
            assert_no_raw_markup(html, caregiver.label)
        assert escape(caregiver.label) in _html(client.get(f"/caregivers/{caregiver.pk}/"))
        caregiver.delete()
    else:
        assert response.status_code == 200
        assert_errors_shown(response)
        assert Caregiver.objects.count() == before


@given(data=st.data())
@HOSTILE
def test_changing_a_caregiver_survives_hostile_input(data, consultant, bromma, caregiver, login, in_english):
    client = login(consultant)
    post = data.draw(form_data(_caregiver_valid(bromma)))
    stored = Caregiver.objects.values().get(pk=caregiver.pk)

    response = client.post(f"/caregivers/{caregiver.pk}/edit/", post)

    if response.status_code == 302:
        event("accepted")
        caregiver.refresh_from_db()
        assert_no_raw_markup(_html(client.get(f"/caregivers/{caregiver.pk}/")), caregiver.label)
        Caregiver.objects.filter(pk=caregiver.pk).update(label="AB")
    else:
        assert response.status_code == 200
        assert_errors_shown(response)
        assert Caregiver.objects.values().get(pk=caregiver.pk) == stored


@given(q=hostile_value, page=hostile_value)
@HOSTILE
def test_searching_caregivers_survives_hostile_input(q, page, consultant, caregiver, login, in_english):
    response = login(consultant).get("/caregivers/", {"q": q, "page": page})

    assert response.status_code == 200
    assert_no_raw_markup(_html(response), *(q if isinstance(q, list) else [q]))


@given(data=st.data())
@HOSTILE
def test_recording_a_support_contact_offer_survives_hostile_input(data, consultant, caregiver, login, in_english):
    client = login(consultant)
    valid = {
        "offered_on": st.just("2025-03-01"),
        "status": st.sampled_from(["offered", "accepted", "declined"]),
        "answered_on": "2025-03-05",
        "support_person": str(consultant.consultant.pk),
    }
    post = data.draw(form_data(valid))
    before = SupportContactOffer.objects.count()

    response = client.post(f"/caregivers/{caregiver.pk}/support-contact/", post)

    if response.status_code == 302:
        event("accepted")
        assert SupportContactOffer.objects.count() == before + 1
    else:
        assert response.status_code == 400
        assert_errors_shown(response, "support_form")
        assert SupportContactOffer.objects.count() == before


# --- Logging contacts ------------------------------------------------------------------------


def _contact_valid(types, district) -> dict:
    return {
        "caregiver": st.sampled_from(["", "AB", "ab"]),
        "intervention_type": st.sampled_from([str(types["advice"].pk), str(types["talks"].pk)]),
        "channel": "phone",
        "duration_minutes": "15",
        "date": "2025-03-02",
        "district": str(district.pk),
        "target_group": st.sampled_from(["", "65_plus"]),
        "referral_destination": st.sampled_from(["", "doctor"]),
    }


@given(data=st.data(), as_referral=st.booleans())
@HOSTILE
def test_logging_a_contact_survives_hostile_input(
    data, as_referral, consultant, bromma, types, caregiver, login, in_english
):
    client = login(consultant)
    post = data.draw(form_data(_contact_valid(types, bromma)))
    if as_referral:
        post |= {"as_referral": "1", "destination": data.draw(st.one_of(st.just("doctor"), hostile_value))}
    before = Contact.objects.count()

    response = client.post("/log/", post)

    if response.status_code == 302:
        event("accepted")
        assert Contact.objects.count() == before + 1
        assert_no_raw_markup(_html(client.get("/contacts/?mine=false")))
    else:
        assert response.status_code == 200
        assert_errors_shown(response)
        assert Contact.objects.count() == before


@given(caregiver_param=hostile_value, district=hostile_value)
@HOSTILE
def test_the_log_form_and_talk_status_survive_hostile_parameters(
    caregiver_param, district, consultant, caregiver, login, in_english
):
    client = login(consultant)

    page = client.get("/log/", {"caregiver": caregiver_param})
    status = client.get("/log/talk-status/", {"caregiver": caregiver_param, "district": district})

    assert (page.status_code, status.status_code) == (200, 200)
    assert page.context["form"].initial.get("caregiver_obj") in (None, caregiver)
    assert set(status.json()) <= {"text", "used", "cap"}


@given(data=st.data())
@HOSTILE
def test_changing_a_contact_survives_hostile_input(data, consultant, bromma, types, caregiver, login, in_english):
    client = login(consultant)
    contact = ContactFactory(
        consultant=consultant.consultant, district=bromma, created_by=consultant, intervention_type=types["advice"]
    )
    stored = Contact.objects.values().get(pk=contact.pk)
    post = data.draw(form_data(_contact_valid(types, bromma)))

    response = client.post(f"/contacts/{contact.pk}/edit/", post)

    if response.status_code != 302:
        assert response.status_code == 200
        assert_errors_shown(response)
        assert Contact.objects.values().get(pk=contact.pk) == stored


@given(
    params=st.fixed_dictionaries(
        dict.fromkeys(
            ("period", "date_from", "date_to", "district", "channel", "intervention_type", "mine", "page"),
            hostile_value,
        )
    )
)
@HOSTILE
def test_the_contact_list_filters_survive_hostile_parameters(params, consultant, bromma, login, in_english):
    ContactFactory(consultant=consultant.consultant, district=bromma, created_by=consultant)

    response = login(consultant).get("/contacts/", params)

    assert response.status_code == 200
    assert_no_raw_markup(_html(response))


# --- Groups and meetings ---------------------------------------------------------------------


@given(data=st.data())
@HOSTILE
def test_creating_a_group_survives_hostile_input(data, consultant, bromma, login, in_english):
    client = login(consultant)
    organiser = OrganiserFactory(name="Vuxenskolan")
    valid = {
        "kind": st.sampled_from(["own_group", "circle"]),
        "name": st.sampled_from(["Anhöriggrupp demens", "Cirkel"]),
        "district": str(bromma.pk),
        "target_group": "65_plus",
        "topic": "dementia",
        "organiser": str(organiser.pk),
        "max_meetings": "8",
        "starts_on": "2025-01-15",
        "ends_on": st.sampled_from(["", "2025-06-01"]),
    }
    post = data.draw(form_data(valid))
    before = Group.objects.count()

    response = client.post("/groups/new/", post)

    if response.status_code == 302:
        event("accepted")
        group = Group.objects.latest("pk")
        for page in ("/groups/", f"/groups/{group.pk}/"):
            html = _html(client.get(page))
            assert_no_raw_markup(html, group.name)
            assert escape(group.name) in html
    else:
        assert response.status_code == 200
        assert_errors_shown(response)
        assert Group.objects.count() == before


@given(data=st.data())
@HOSTILE
def test_recording_a_meeting_survives_hostile_input(data, consultant, bromma, types, caregiver, login, in_english):
    client = login(consultant)
    group = GroupFactory(district=bromma, created_by=consultant, starts_on=datetime.date(2025, 1, 1))
    valid = {
        "date": "2025-02-03",
        "duration_minutes": "90",
        "attendees": str(caregiver.pk),
        "unnamed_count": st.sampled_from(["", "3"]),
    }
    post = data.draw(form_data(valid))

    response = client.post(f"/groups/{group.pk}/", post)

    if response.status_code != 302:
        assert response.status_code == 200
        assert_errors_shown(response)
        assert GroupMeeting.objects.filter(group=group).count() == 0


# --- Dashboards and reports ------------------------------------------------------------------


def _period_valid() -> dict:
    return {
        "kind": st.sampled_from(["year", "tertial", "month", "custom"]),
        "year": "2025",
        "tertial": "2",
        "month": "3",
        "start": st.sampled_from(["2025-01-01", "0001-01-01", "9999-12-01"]),
        "end": st.sampled_from(["2025-03-31", "0001-01-31", "9999-12-31"]),
        "target_group": st.sampled_from(["", "65_plus"]),
    }


EDGE_PERIODS = [
    {"kind": "custom", "year": "2025", "start": "0001-01-01", "end": "0001-01-31"},
    {"kind": "custom", "year": "2025", "start": "9999-12-01", "end": "9999-12-31"},
    {"kind": "year", "year": "2100"},
    {"kind": "month", "year": "2000", "month": "1"},
]


@given(params=form_data(_period_valid()))
@example(params=EDGE_PERIODS[0])
@example(params=EDGE_PERIODS[1])
@example(params=EDGE_PERIODS[2])
@example(params=EDGE_PERIODS[3])
@HOSTILE
def test_the_dashboards_survive_hostile_periods(params, bromma, login, in_english):
    manager = login(UserFactory(role=Role.MANAGER, districts=[bromma]))

    strategist = Client()
    strategist.force_login(UserFactory(role=Role.STRATEGIST))
    pages = [(manager, "/dashboard/bromma/"), (manager, "/dashboard/bromma/headline.csv")]
    pages += [(strategist, "/city/"), (strategist, "/city/figures.csv"), (strategist, "/dashboard/bromma/")]
    for client, page in pages:
        response = client.get(page, params)
        assert response.status_code in (200, 404), page
        if response.status_code == 200 and "html" in response["Content-Type"]:
            assert_no_raw_markup(_html(response))
            form = response.context["form"]
            if not form.is_valid():
                assert_errors_shown(response)


def _report_valid(districts: list[District], network, city_wide: bool) -> dict:
    return {
        "kind": st.sampled_from(["year", "tertial", "custom"]),
        "year": "2025",
        "tertial": "1",
        "start": st.sampled_from(["2025-01-01", "0001-01-01", "9999-12-01"]),
        "end": st.sampled_from(["2025-03-31", "0001-01-02", "9999-12-31"]),
        "scope": st.sampled_from(["city", "network", "districts"] if city_wide else ["districts"]),
        "network": str(network.pk),
        "districts": st.lists(st.sampled_from([str(d.pk) for d in districts]), min_size=1, max_size=2, unique=True),
        "target_groups": st.sampled_from([[], ["65_plus"], ["65_plus", "all"]]),
    }


@pytest.fixture
def report_city(db):
    bromma, farsta = DistrictFactory(code="bromma", name="Bromma"), DistrictFactory(code="farsta", name="Farsta")
    return bromma, farsta, NetworkFactory(districts=[bromma, farsta])


@pytest.mark.parametrize("role", [Role.STRATEGIST, Role.MANAGER])
@given(data=st.data())
@HOSTILE
def test_ordering_a_report_survives_hostile_input(
    data, role, report_city, login, in_english, django_capture_on_commit_callbacks
):
    bromma, farsta, network = report_city
    client = login(UserFactory(role=role, districts=[bromma]))
    mine = [bromma, farsta] if role == Role.STRATEGIST else [bromma]
    post = data.draw(form_data(_report_valid(mine, network, city_wide=role == Role.STRATEGIST)))
    before = FollowupReport.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/", post)

    if response.status_code == 302:
        event("accepted")
        report = FollowupReport.objects.latest("pk")
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert_no_raw_markup(_html(page))
        assert role == Role.STRATEGIST or set(report.districts.values_list("pk", flat=True)) <= {bromma.pk}
    else:
        assert response.status_code == 200
        assert_errors_shown(response)
        assert FollowupReport.objects.count() == before


# --- Login, language, administration ---------------------------------------------------------


@given(username=st.one_of(st.just("anna"), hostile_value), password=hostile_value, next_url=hostile_value)
@HOSTILE
def test_logging_in_survives_hostile_input(username, password, next_url, client, in_english):
    UserFactory(username="anna") if not User.objects.filter(username="anna").exists() else None

    response = client.post("/login/", {"username": username, "password": password, "next": next_url})

    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    if response.status_code == 200:
        assert_errors_shown(response)
        assert_no_raw_markup(_html(response), *(next_url if isinstance(next_url, list) else [next_url]))


@given(language=st.one_of(st.just("sv"), hostile_value), next_url=hostile_value)
@HOSTILE
def test_choosing_a_language_never_redirects_off_site(language, next_url, client):
    response = client.post("/i18n/setlang/", {"language": language, "next": next_url})

    assert response.status_code in (302, 204)
    if response.status_code == 302:
        event("accepted")
        location = response["Location"]
        assert url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"}), location
        assert not location.lower().lstrip().startswith(("javascript:", "data:")), location


@given(data=st.data())
@HOSTILE
def test_adding_a_user_in_the_admin_survives_hostile_input(data, bromma, login, in_english):
    admin = login(UserFactory(role=Role.ADMIN))
    valid = {
        "username": st.sampled_from(["new-user", "ny.anvandare"]),
        "role": "consultant",
        "districts": str(bromma.pk),
        "email": "a@example.org",
        "password1": "a-long-enough-password-1",
        "password2": "a-long-enough-password-1",
    }
    post = data.draw(form_data(valid))
    before = User.objects.count()

    response = admin.post("/admin/accounts/user/add/", post)

    if response.status_code == 302:
        event("accepted")
        user = User.objects.latest("pk")
        html = _html(admin.get("/admin/accounts/user/"))
        assert_no_raw_markup(html, user.username, user.email)
        user.delete()
    else:
        assert response.status_code == 200
        assert response.context["adminform"].form.errors
        assert User.objects.count() == before


def _as_post(value):
    if value is None or value is False:
        return None
    if value is True:
        return "on"
    if isinstance(value, list | tuple):
        return [str(getattr(v, "pk", v)) for v in value]
    return str(getattr(value, "pk", value))


def _admin_form_data(response) -> dict:
    """The change form's current values with its inlines, as the browser would post them unchanged."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data |= {management.add_prefix(name): str(management[name].value()) for name in management.fields}
        forms.extend(formset.initial_forms)
    for form in forms:
        for name in form.fields:
            value = _as_post(form[name].value())
            if value not in (None, ""):
                data[form.add_prefix(name)] = value
    return data


@given(data=st.data())
@HOSTILE
def test_a_manager_changing_a_district_in_the_admin_survives_hostile_input(data, bromma, types, login, in_english):
    manager = login(UserFactory(role=Role.MANAGER, districts=[bromma]))
    url = f"/admin/districts/district/{bromma.pk}/change/"
    base = _admin_form_data(manager.get(url))
    hostile = data.draw(
        st.fixed_dictionaries(
            {},
            optional={
                "placement": hostile_value,
                "own_budget": hostile_value,
                "budgets-0-sek_per_year": hostile_number,
                "budgets-0-valid_from": hostile_value,
                "budgets-0-valid_to": hostile_value,
                "inhabitants": hostile_number,
                "reported_talk_limit": hostile_number,
                "talk_cap": hostile_number,
                "notes": hostile_value,
            },
        )
    )
    stored = District.objects.values().get(pk=bromma.pk)

    response = manager.post(url, base | hostile)

    if response.status_code == 302:
        event("accepted")
        bromma.refresh_from_db()
        for page in (url, "/admin/districts/district/", "/dashboard/bromma/"):
            assert_no_raw_markup(_html(manager.get(page)), bromma.placement, bromma.notes)
        District.objects.filter(pk=bromma.pk).update(**{k: v for k, v in stored.items() if k != "id"})
        Budget.objects.filter(district=bromma).delete()
    else:
        assert response.status_code == 200
        assert response.context["adminform"].form.errors or response.context["errors"]
        assert District.objects.values().get(pk=bromma.pk) == stored
        assert not Budget.objects.filter(district=bromma).exists()  # nothing half-saved


TOO_EARLY = "Ensure this value is greater than or equal to 2000-01-01."
TOO_LATE = "Ensure this value is less than or equal to 2100-12-31."


@pytest.mark.parametrize(
    ("start", "end", "errors"),
    [
        ("0001-01-01", "0001-01-02", {"start": [TOO_EARLY], "end": [TOO_EARLY]}),
        ("0001-01-01", "2025-01-02", {"start": [TOO_EARLY]}),
        ("2100-12-01", "10000-01-01", {"end": ["Enter a valid date."]}),
        ("2100-12-01", "9999-12-31", {"end": [TOO_LATE]}),
        ("2025-01-01", "", {"end": ["Give both dates of a custom range."]}),
    ],
)
def test_a_report_for_a_range_outside_the_calendar_is_refused_on_its_field(
    start, end, errors, report_city, login, in_english
):
    client = login(UserFactory(role=Role.STRATEGIST))
    post = {"kind": "custom", "year": "2025", "start": start, "end": end, "scope": "city"}

    response = client.post("/reports/", post)

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert_errors_shown(response)
    assert FollowupReport.objects.count() == 0


# --- Issue 6's own forms: audit log filters, password, two-factor, erasure ------------------


@given(
    params=st.fixed_dictionaries(
        dict.fromkeys(("date_from", "date_to", "action", "object_type", "actor", "object_id", "page"), hostile_value)
    )
)
@example(params={"object_id": str(2**63)})
@example(params={"object_id": "²", "date_from": "0001-01-01", "date_to": "9999-12-31"})
@HOSTILE
def test_the_audit_log_filters_survive_hostile_parameters(params, bromma, login, in_english):
    response = login(UserFactory(role=Role.MANAGER, districts=[bromma])).get("/audit/", params)

    assert response.status_code == 200
    assert_no_raw_markup(_html(response))
    if not response.context["filter"].is_valid():
        assert_errors_shown(response, "filter")


def test_hostile_names_are_shown_escaped_in_the_audit_log(consultant, bromma, login, in_english):
    client = login(consultant)
    client.post(
        "/groups/new/",
        {"kind": "own_group", "name": f"Grupp {SCRIPT}", "district": bromma.pk, "target_group": "65_plus",
         "topic": "dementia", "starts_on": "2025-01-15"},
    )  # fmt: skip
    assert Group.objects.get().name == f"Grupp {SCRIPT}"

    html = _html(login(UserFactory(role=Role.MANAGER, districts=[bromma])).get("/audit/"))

    assert_no_raw_markup(html)
    assert escape(f"Grupp {SCRIPT}") in html


@given(
    post=form_data(
        {
            "old_password": "a-long-test-password",
            "new_password1": "Ett-nytt-lösen-2025",
            "new_password2": "Ett-nytt-lösen-2025",
        }
    )
)
@HOSTILE
def test_changing_the_password_survives_hostile_input(post, consultant, login, in_english):
    client = login(consultant)
    stored = User.objects.get(pk=consultant.pk).password

    response = client.post("/account/password/", post)

    if response.status_code == 302:
        event("accepted")
        User.objects.filter(pk=consultant.pk).update(password=stored)
        client.force_login(consultant)
    else:
        assert response.status_code == 200
        assert_errors_shown(response)
        assert User.objects.get(pk=consultant.pk).password == stored


@given(token=hostile_value, next_url=hostile_value)
@HOSTILE
def test_two_factor_forms_survive_hostile_codes(token, next_url, consultant, bromma, client, in_english):
    from django.conf import settings
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(consultant)
    setup = client.post("/account/two-factor/setup/", {"otp_token": token, "next": next_url})
    # Turning off needs a device: a second user with one, past the code at login.
    enrolled = UserFactory(role=Role.CONSULTANT, districts=[bromma])
    device = TOTPDevice.objects.create(user=enrolled, name="app", confirmed=True)
    other = Client()
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # like the first client
    other.force_login(enrolled)
    session = other.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    disable = other.post("/account/two-factor/disable/", {"otp_token": token})

    assert (setup.status_code, disable.status_code) == (200, 200)
    assert_errors_shown(setup)
    assert disable.context["disable_form"].errors
    assert_errors_shown(disable)
    assert_no_raw_markup(_html(disable))
    assert_no_raw_markup(_html(setup), *(next_url if isinstance(next_url, list) else [next_url]))
    assert TOTPDevice.objects.filter(user=consultant, confirmed=True).count() == 0
    assert TOTPDevice.objects.filter(user=enrolled).get() == device


@given(confirm=hostile_value)
@HOSTILE
def test_the_erasure_confirmation_survives_hostile_input(confirm, bromma, login, in_english):
    manager = login(UserFactory(role=Role.MANAGER, districts=[bromma]))
    caregiver = CaregiverFactory(label="EF", districts=[bromma], birth_year=1950)

    response = manager.post(f"/caregivers/{caregiver.pk}/erase/", {"confirm": confirm})

    caregiver.refresh_from_db()
    if response.status_code == 302:
        event("accepted")
        assert (caregiver.label, caregiver.birth_year) != ("EF", 1950)
    else:
        assert response.status_code == 400
        assert_errors_shown(response)
        assert (caregiver.label, caregiver.birth_year) == ("EF", 1950)


@pytest.fixture
def admin_objects(bromma, types):
    """One object of each model a manager or strategist edits in the admin, with related rows."""
    consultant = ConsultantFactory(home_district=bromma, note="anteckning")
    AllocationFactory(consultant=consultant, district=bromma, percent=50)
    description = AssignmentDescriptionFactory(title="Uppdrag")
    AssignmentTaskFactory(description=description, text="Erbjuda råd och stöd")
    return {
        "consultants/consultant": (Role.MANAGER, consultant),
        "caregivers/caregiver": (Role.MANAGER, CaregiverFactory(label="GH", districts=[bromma])),
        "interventions/interventiontype": (Role.STRATEGIST, types["talks"]),
        "interventions/organiser": (Role.STRATEGIST, OrganiserFactory(name="Studieförbundet")),
        "districts/network": (Role.STRATEGIST, NetworkFactory(districts=[bromma])),
        "consultants/assignmentdescription": (Role.STRATEGIST, description),
    }


@pytest.mark.parametrize(
    "model",
    [
        "consultants/consultant",
        "caregivers/caregiver",
        "interventions/interventiontype",
        "interventions/organiser",
        "districts/network",
        "consultants/assignmentdescription",
    ],
)
@given(data=st.data())
@HOSTILE
def test_admin_change_forms_survive_hostile_input(data, model, admin_objects, bromma, login, in_english):
    role, obj = admin_objects[model]
    client = login(UserFactory(role=role, districts=[bromma]))
    url = f"/admin/{model}/{obj.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    base = _admin_form_data(page)
    editable = sorted(name for name in page.context["adminform"].form.fields if name != "password")
    hostile = data.draw(st.dictionaries(st.sampled_from(editable), hostile_value, min_size=1, max_size=3))
    stored = type(obj)._default_manager.values().get(pk=obj.pk)
    savepoint = transaction.savepoint()
    try:
        response = client.post(url, base | hostile)

        if response.status_code == 302:
            event("accepted")
            obj.refresh_from_db()
            texts = [str(v) for v in type(obj)._default_manager.values().get(pk=obj.pk).values()]
            for shown in (url, f"/admin/{model}/"):
                assert_no_raw_markup(_html(client.get(shown)), *texts)
        else:
            assert response.status_code == 200
            assert response.context["adminform"].form.errors or response.context["errors"]
            assert type(obj)._default_manager.values().get(pk=obj.pk) == stored
    finally:
        transaction.savepoint_rollback(savepoint)


# --- Address parts: file formats, table names, codes -----------------------------------------

path_part = st.one_of(hostile_text, hostile_number, st.sampled_from(["json", "pdf", "xlsx", "csv", "contacts"]))


@given(part=path_part)
@HOSTILE
def test_hostile_address_parts_answer_404_or_the_page_never_an_error(part, bromma, caregiver, login, in_english):
    from urllib.parse import quote

    from accounts.scoping import SYSTEM
    from figures.periods import Period
    from followup.models import ReportScope
    from followup.services import report_order

    manager = UserFactory(role=Role.MANAGER, districts=[bromma])
    report = report_order(user=SYSTEM, period=Period.year(2025), scope=ReportScope.DISTRICTS, districts=[bromma])
    client = login(manager)
    # A path segment as a browser would send it: percent-encoded (a "/" in it then reaches no view).
    segment = quote(part if isinstance(part, str) else "".join(part), safe="")

    for path in (
        f"/caregivers/{caregiver.pk}/extract.{segment}",
        f"/reports/{report.pk}/report.{segment}",
        f"/dashboard/bromma/{segment}.csv",
        f"/dashboard/{segment}/",
        f"/districts/{segment}/",
    ):
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            assert_no_raw_markup(_html(response))


# --- Requests the app cannot read: undecodable charsets, absurd formset counts (issue 15) -------------


def _row_counts() -> dict[str, int]:
    """Every table's row count: what a refused request must leave as it was."""
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def _role_for(key: str, row) -> str:
    """A role whose request reaches the view (on its own district's object): the administrator in the
    admin (who sees every inline and editable column), else the first role the page answers."""
    for role in ("admin",) if key.startswith("admin:") else LOGGED_IN:
        if row.cells[role][0] in (200, 405):
            return role
    return "admin"


@pytest.fixture
def guarded_requests(monkeypatch):
    """The test client builds its requests as anhorigstod.wsgi does in production (request_guards)."""
    monkeypatch.setattr("django.test.client.WSGIRequest", GuardedWSGIRequest)


@pytest.fixture
def every_url(db, guarded_requests):
    """One address of every URL pattern (the admin's included), each with a role that may use it."""
    users, objects = _world()
    present = expected_keys(discover_patterns())
    urls = [
        (key, _role_for(key, row), urls_for(key, objects, "own")[0])
        for key, row in sorted(expectations().items())
        if key in present
    ]
    return users, urls


def _csrf_clients(users) -> dict[str, Client]:
    """Logged-in clients that enforce CSRF as a browser meets it: the middleware reads every POST body."""
    result = {}
    for role, user in users.items():
        forget_scope(user)
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
        result[role] = client
    return result


CSRF_SECRET = "a" * 32


def _refused(response) -> bool:
    return response.status_code == 400 and "400.html" in [t.name for t in response.templates]


def test_every_url_answers_an_undecodable_charset_with_400_and_saves_nothing(every_url):
    """Every form, admin add form and other address: a body (and a query string) in a charset the app
    cannot decode it with is refused. Each client enforces CSRF, whose middleware reads the body of
    every POST; without the guard these requests ended in a 500."""
    users, urls = every_url
    clients = _csrf_clients(users)
    posts = undecodable_posts({"csrfmiddlewaretoken": CSRF_SECRET, "label": "AB", "date": "2026-03-02"})
    before = _row_counts()
    answered = []

    for key, role, url in urls:
        for label, content_type, body in posts:
            response = clients[role].generic("POST", url, body, content_type)
            if not _refused(response):
                answered.append(f"POST {url} ({key}) as {role}, {label}: {response.status_code}")
        for content_type in UNDECODABLE_QUERY_CONTENT_TYPES:
            response = clients[role].get(url, {"q": "AB"}, CONTENT_TYPE=content_type)
            if not _refused(response):
                answered.append(f"GET {url} ({key}) as {role}, {content_type}: {response.status_code}")

    assert len(urls) > 300
    assert answered == [], "\n" + "\n".join(answered)
    assert _row_counts() == before


def _formsets_in(response) -> list[BaseFormSet]:
    """The formsets a page renders: its own, the admin's inlines, an editable changelist's."""
    contexts = response.context if isinstance(response.context, list) else [response.context]
    found = {}
    for context in contexts:
        if context is None:
            continue
        for value in context.flatten().values():
            for item in value if isinstance(value, list | tuple) else [value]:
                formset = item if isinstance(item, BaseFormSet) else getattr(item, "formset", None)
                if isinstance(formset, BaseFormSet):
                    found[formset.prefix] = formset
    return list(found.values())


def _management_data(formset: BaseFormSet) -> dict[str, str]:
    """The management form as the page renders it, as the browser posts it back."""
    management = formset.management_form
    return {management.add_prefix(name): str(management[name].value()) for name in management.fields}


def _admin_pages_with_formsets() -> set[str]:
    """The admin's pages that render formsets: inlines on the add and change pages, editable columns
    on the changelist (the admin renders formsets nowhere else)."""
    from django.contrib import admin

    keys = set()
    for model, model_admin in admin.site._registry.items():
        base = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        if model_admin.inlines:
            keys |= {f"{base}_add", f"{base}_change"}
        if model_admin.list_editable:
            keys.add(f"{base}_changelist")
    return keys


def _pages_with_formsets(users, urls) -> list[tuple[str, str, str, dict]]:
    """(key, role, url, management data of all its formsets) of every page rendering a formset, found
    by opening every page of the app and the admin's pages with inlines or editable columns."""
    clients = {}
    for role, user in users.items():
        forget_scope(user)
        clients[role] = Client()
        clients[role].force_login(user)
    admin_pages = _admin_pages_with_formsets()
    found = []
    for key, role, url in urls:
        if key.startswith("admin:") and key not in admin_pages:
            continue
        response = clients[role].get(url)
        if response.streaming or not response["Content-Type"].startswith("text/html"):
            continue
        management = {}
        for formset in _formsets_in(response):
            management |= _management_data(formset)
        if management:
            found.append((key, role, url, management))
    return found


MANAGEMENT_FIELDS = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


def test_every_formset_refuses_absurd_counts_before_any_query(every_url, django_assert_num_queries):
    users, urls = every_url
    pages = _pages_with_formsets(users, urls)
    clients = _csrf_clients(users)
    for client in clients.values():
        client.handler.enforce_csrf_checks = False  # the counts are the subject here, not the token
    before = _row_counts()
    answered = []

    for key, role, url, management in pages:
        absurd = []
        for name in management:
            # Every absurd count in TOTAL_FORMS (the forms Django builds), the largest in the others.
            counts = ABSURD_FORMSET_COUNTS if name.endswith("-TOTAL_FORMS") else ABSURD_FORMSET_COUNTS[:1]
            absurd += [(name, count) for count in counts]
        for name, count in absurd:
            with django_assert_num_queries(0):
                response = clients[role].post(url, management | {name: count})
            if not _refused(response):
                answered.append(f"{url} ({key}) as {role}, {name}={count[:30]}: {response.status_code}")
        # The page's own management forms, posted back unchanged, go through to the view.
        unchanged = clients[role].post(url, management)
        if unchanged.status_code == 400:
            answered.append(f"{url} ({key}) as {role}: its own management forms were refused")

    # The example, the other inlines and an editable changelist are among the pages found.
    prefixes = {(key, name.rsplit("-", 1)[0]) for key, _role, _url, management in pages for name in management}
    assert {
        ("admin:consultants_consultant_add", "allocations"),
        ("admin:consultants_consultant_add", "description_assignments"),
        ("admin:consultants_consultant_change", "allocations"),
        ("admin:districts_district_change", "offerings"),
        ("admin:collaboration_collaborationactivity_add", "participants"),
        ("admin:consultants_assignmentdescription_add", "tasks"),
        ("admin:interventions_interventiontype_changelist", "form"),
    } <= prefixes, sorted(prefixes)
    assert answered == [], "\n" + "\n".join(answered)
    assert _row_counts() == before


@pytest.mark.parametrize(
    ("field", "count", "refused"),
    [
        ("TOTAL_FORMS", str(MAX_FORMSET_FORMS), False),
        ("TOTAL_FORMS", str(MAX_FORMSET_FORMS + 1), True),
        ("INITIAL_FORMS", str(MAX_FORMSET_FORMS), False),
        ("INITIAL_FORMS", str(MAX_FORMSET_FORMS + 1), True),
        # Django renders 1,000 as the maximum of a formset without max_num; it builds no form from it.
        ("MAX_NUM_FORMS", str(DEFAULT_MAX_NUM), False),
        ("MAX_NUM_FORMS", str(DEFAULT_MAX_NUM + 1), True),
    ],
)
def test_the_formset_limits_refuse_one_past_the_maximum(field, count, refused, consultant, login, in_english):
    """The limits, exactly: posted to the log form, whose view ignores formset fields (building 200
    inline forms to show that 200 passes would cost the suite seconds)."""
    client = login(consultant)
    management = {f"allocations-{name}": "0" for name in MANAGEMENT_FIELDS}

    response = client.post("/log/", management | {f"allocations-{field}": count})

    assert _refused(response) is refused
    assert response.status_code == (400 if refused else 200)


def test_every_editable_changelist_and_inline_fits_the_formset_maximum():
    """No admin renders more forms than MAX_FORMSET_FORMS: "show all" of an editable changelist and
    an inline's own maximum (its existing rows are bounded by the data, see request_guards)."""
    from django.contrib import admin

    too_many = []
    for model, model_admin in admin.site._registry.items():
        if (
            model_admin.list_editable
            and max(model_admin.list_max_show_all, model_admin.list_per_page) > MAX_FORMSET_FORMS
        ):
            too_many.append(f"{model._meta.label}: list_max_show_all {model_admin.list_max_show_all}")
        for inline in model_admin.inlines:
            if inline.max_num is not None and inline.max_num > MAX_FORMSET_FORMS:
                too_many.append(f"{model._meta.label}: {inline.__name__}.max_num {inline.max_num}")

    assert too_many == []


@pytest.mark.parametrize(
    ("method", "data", "content_type"),
    [
        # More fields than DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000), in the body and in the query string.
        ("post", "&".join(f"f{i}=1" for i in range(1001)), "application/x-www-form-urlencoded"),
        ("get", {f"f{i}": "1" for i in range(1001)}, None),
        # A body past DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB).
        ("post", "label=" + "A" * 2_700_000, "application/x-www-form-urlencoded"),
        # A multipart body without its closing boundary.
        (
            "post",
            f'--{MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1',
            "multipart/form-data; boundary=",
        ),
        # UTF-8 spelled in a way Django does not take (it accepts "utf-8" only): read as UTF-8.
    ],
    ids=["too-many-fields", "too-many-parameters", "too-large", "multipart-without-boundary"],
)
def test_unreadable_bodies_and_query_strings_answer_400(
    method, data, content_type, consultant, bromma, types, guarded_requests
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(consultant)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    before = _row_counts()

    send = client.post if method == "post" else client.get
    response = send("/log/", data, **({"content_type": content_type} if content_type else {}))

    assert _refused(response)
    assert _row_counts() == before


def test_a_utf_8_alias_is_read_as_utf_8(consultant, bromma, types, caregiver, login):
    client = login(consultant)
    body = urlencode(
        {"caregiver": "AB", "intervention_type": types["advice"].pk, "channel": "phone", "duration_minutes": "15",
         "date": timezone.localdate().isoformat(), "district": bromma.pk}
    )  # fmt: skip

    response = client.post("/log/", body, content_type="application/x-www-form-urlencoded; charset=UTF8")

    assert response.status_code == 302, response.context["form"].errors
    assert Contact.objects.get().caregiver == caregiver


def test_the_400_page_speaks_the_chosen_language(guarded_requests):
    """Refused before the locale middleware runs, the page still follows the language switch's cookie."""
    client = Client(enforce_csrf_checks=True)
    utf_16 = "application/x-www-form-urlencoded; charset=utf-16"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.generic("POST", "/log/", "a=1".encode("utf-16"), utf_16)
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    swedish = client.generic("POST", "/log/", "a=1".encode("utf-16"), utf_16)

    assert (_refused(english), _refused(swedish)) == (True, True)
    assert '<html lang="en">' in english.content.decode()
    assert '<html lang="sv">' in swedish.content.decode()


def _wsgi_call(environ: dict) -> tuple[str, bytes]:
    """A request through the production entry point (anhorigstod.wsgi), as gunicorn makes it."""
    from anhorigstod.wsgi import application

    status = []
    body = b"".join(application(environ, lambda line, headers: status.append(line)))
    return status[0], body


def test_a_content_type_django_cannot_parse_is_a_400_not_a_crash(db):
    """An RFC 2231 parameter naming an unknown charset fails while Django builds the request."""
    from django.test import RequestFactory

    environ = RequestFactory()._base_environ(
        PATH_INFO="/log/",
        REQUEST_METHOD="POST",
        CONTENT_TYPE="application/x-www-form-urlencoded; charset*=bogus''x",
        CONTENT_LENGTH="3",
        **{"wsgi.input": io.BytesIO(b"a=1")},
    )

    status, body = _wsgi_call(environ)

    assert status == "400 Bad Request"
    assert b'<html lang="sv">' in body


def test_over_http_hostile_requests_get_the_400_page_from_gunicorn(tmp_path):
    """Through gunicorn's workers: no login needed, the requests are refused before the session is read."""
    process, base_url = start_gunicorn({}, tmp_path / "gunicorn.log", workers=1)
    host, port = base_url.removeprefix("http://").split(":")
    requests = [
        ("/log/", "application/x-www-form-urlencoded; charset=utf-16", "a=1".encode("utf-16")),
        ("/log/", "application/x-www-form-urlencoded; charset*=bogus''x", b"a=1"),
        ("/admin/consultants/consultant/add/", "application/x-www-form-urlencoded",
         b"allocations-TOTAL_FORMS=99999999999999999999999&allocations-INITIAL_FORMS=0"),
    ]  # fmt: skip
    answers = []
    try:
        for path, content_type, body in requests:
            connection = http.client.HTTPConnection(host, int(port), timeout=10)
            connection.request("POST", path, body, {"Content-Type": content_type})
            response = connection.getresponse()
            answers.append((response.status, '<html lang="sv">' in response.read().decode()))
            connection.close()
    finally:
        stop(process)

    assert answers == [(400, True)] * 3
