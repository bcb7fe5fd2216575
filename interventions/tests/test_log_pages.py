"""The consultant's pages: the quick form, the talk cap in the browser's terms, edit and delete."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from interventions.models import Contact, Referral
from interventions.tests.factories import AdviceTypeFactory, ContactFactory, GuidanceTalksTypeFactory


@pytest.fixture
def bromma(db):
    return DistrictFactory(code="bromma", name="Bromma", talk_cap=3)


@pytest.fixture
def types(db):
    return {"advice": AdviceTypeFactory(), "talks": GuidanceTalksTypeFactory()}


@pytest.fixture
def me(bromma, types):
    user = UserFactory(role=Role.CONSULTANT, districts=[bromma])
    ConsultantFactory(home_district=bromma, user=user, target_group="65_plus")
    return user


def _form_data(**overrides):
    return {
        "caregiver": "",
        "intervention_type": "",
        "channel": "phone",
        "duration_minutes": "15",
        "date": timezone.localdate().isoformat(),
        "district": "",
        "target_group": "",
        "referral_destination": "",
    } | overrides


def test_the_form_starts_from_today_my_district_and_my_last_channel(me, bromma, types, login, in_english):
    ContactFactory(consultant=me.consultant, district=bromma, channel="home_visit", duration_minutes=45, created_by=me)

    response = login(me).get("/log/")

    initial = response.context["form"].initial
    assert (initial["date"], initial["channel"], initial["duration_minutes"], initial["district"]) == (
        timezone.localdate(),
        "home_visit",
        45,
        bromma.pk,
    )
    assert initial["intervention_type"] == types["advice"].pk
    assert "autofocus" in response.content.decode()


def test_a_phone_call_is_saved_and_the_form_comes_back_ready(me, bromma, types, login, in_english):
    client = login(me)
    data = _form_data(intervention_type=types["advice"].pk, district=bromma.pk)

    response = client.post("/log/", data, follow=True)

    contact = Contact.objects.get()
    assert (contact.channel, contact.duration_minutes, contact.caregiver, contact.target_group) == (
        "phone",
        15,
        None,
        "65_plus",
    )
    assert response.redirect_chain == [("/log/", 302)]
    assert "Saved: phone, 15 min." in [str(m) for m in response.context["messages"]]
    assert [c.pk for c in response.context["today_entries"]] == [contact.pk]


def test_talks_say_their_number_and_past_the_cap_offer_a_referral(me, bromma, types, login, in_english):
    caregiver = CaregiverFactory(districts=[bromma], label="AL", target_group="under_65")
    client = login(me)
    data = _form_data(
        caregiver="al", intervention_type=types["talks"].pk, district=bromma.pk, channel="individual_meeting"
    )

    messages = [str(m) for _ in range(3) for m in client.post("/log/", data, follow=True).context["messages"]]
    refused = client.post("/log/", data)
    status = client.get("/log/talk-status/", {"caregiver": "AL", "district": bromma.pk}).json()

    assert messages == [f"Guidance talk {n} of 3 saved for AL." for n in (1, 2, 3)]
    assert Contact.objects.filter(caregiver=caregiver).count() == 3
    assert Contact.objects.get(talk_number=1).target_group == "under_65"
    assert refused.status_code == 200
    assert (
        "AL has had 3 of 3 guidance talks in Bromma: the cap is reached."
        in refused.context["form"].errors["intervention_type"][0]
    )
    assert refused.context["form"]["caregiver"].value() == "al"  # the rest of the form is kept
    assert refused.context["referral_form"] is not None
    assert status["text"] == "AL has had all 3 guidance talks: the cap is reached."

    response = client.post("/log/", {**data, "as_referral": "1", "destination": "psychologist"}, follow=True)

    advice = Contact.objects.get(caregiver=caregiver, talk_number__isnull=True)
    assert advice.intervention_type == types["advice"]
    assert list(Referral.objects.values_list("contact_id", "destination")) == [(advice.pk, "psychologist")]
    assert [str(m) for m in response.context["messages"]] == [
        "Saved: individual talk, digital meeting or office visit, 15 min."
    ]


def test_talk_status_says_the_next_talk_number(me, bromma, types, login, in_english):
    CaregiverFactory(districts=[bromma], label="AL")

    response = login(me).get("/log/talk-status/", {"caregiver": "AL", "district": bromma.pk})

    assert response.json() == {"text": "A guidance talk now would be talk 1 of 3.", "used": 0, "cap": 3}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date": "2099-01-01"}, "date", "The date cannot be in the future."),
        ({"duration_minutes": "-5"}, "duration_minutes", "greater than or equal to 1"),
        ({"duration_minutes": "481"}, "duration_minutes", "less than or equal to 480"),
        ({"caregiver": "FARSTA-ONE"}, "caregiver", "No caregiver labelled 'FARSTA-ONE' in your districts."),
        ({"caregiver": ""}, "caregiver", "A guidance talk needs the caregiver"),
    ],
)
def test_bad_input_is_refused_on_its_field_keeping_the_rest(
    me, bromma, types, login, in_english, overrides, field, message
):
    CaregiverFactory(districts=[DistrictFactory(code="farsta")], label="FARSTA-ONE")
    CaregiverFactory(districts=[bromma], label="OK")
    intervention = types["talks"] if field == "caregiver" and not overrides["caregiver"] else types["advice"]
    data = (
        _form_data(intervention_type=intervention.pk, district=bromma.pk, caregiver="OK", channel="home_visit")
        | overrides
    )

    response = login(me).post("/log/", data)

    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in form.errors[field][0]
    assert form["channel"].value() == "home_visit"
    assert Contact.objects.count() == 0


def test_a_district_i_do_not_serve_is_not_a_choice(me, types, login, in_english):
    farsta = DistrictFactory(code="farsta")

    response = login(me).post("/log/", _form_data(intervention_type=types["advice"].pk, district=farsta.pk))

    assert "district" in response.context["form"].errors
    assert Contact.objects.count() == 0


def test_only_my_own_entries_can_be_changed_or_deleted(me, bromma, types, login):
    colleague = UserFactory(role=Role.CONSULTANT, districts=[bromma])
    ConsultantFactory(home_district=bromma, user=colleague)
    mine = ContactFactory(consultant=me.consultant, district=bromma, created_by=me, date=timezone.localdate())
    theirs = ContactFactory(consultant=colleague.consultant, district=bromma, created_by=colleague)
    client = login(me)

    assert client.get(f"/contacts/{mine.pk}/edit/").status_code == 200
    assert client.get(f"/contacts/{theirs.pk}/edit/").status_code == 404
    assert client.post(f"/contacts/{theirs.pk}/delete/").status_code == 404
    assert client.post(f"/contacts/{mine.pk}/delete/").status_code == 302

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.deleted_by, theirs.deleted_at) == (me, None)
    assert client.get(f"/contacts/{mine.pk}/edit/").status_code == 404


def test_editing_my_contact_changes_it(me, bromma, types, login):
    # Recent days: an old month would be closed to entry (approvals.selectors.entry_lock).
    today = timezone.localdate()
    contact = ContactFactory(
        consultant=me.consultant, district=bromma, created_by=me, date=today - datetime.timedelta(days=1)
    )
    data = _form_data(
        intervention_type=types["advice"].pk, district=bromma.pk, channel="email_sms", duration_minutes="5",
        date=today.isoformat(), referral_destination="association",
    )  # fmt: skip

    response = login(me).post(f"/contacts/{contact.pk}/edit/", data)

    contact.refresh_from_db()
    assert response.status_code == 302
    assert (contact.channel, contact.duration_minutes, contact.date, contact.updated_by) == (
        "email_sms",
        5,
        today,
        me,
    )
    assert list(contact.referrals.values_list("destination", flat=True)) == ["association"]


@pytest.mark.parametrize("n", [3, 30])
def test_contact_list_filters_and_keeps_its_query_count(me, bromma, types, login, django_assert_num_queries, n):
    other = DistrictFactory()
    me.districts.add(other)
    today = timezone.localdate()
    for i in range(n):
        ContactFactory(consultant=me.consultant, district=bromma, created_by=me, date=today, channel="phone",
                       caregiver=CaregiverFactory(districts=[bromma]) if i % 2 else None)  # fmt: skip
    ContactFactory(consultant=me.consultant, district=bromma, created_by=me, date=today, channel="home_visit")
    ContactFactory(consultant=me.consultant, district=other, created_by=me, date=today, channel="phone")
    ContactFactory(consultant=me.consultant, district=bromma, created_by=me, date=today - datetime.timedelta(days=400))
    client = login(me)

    with django_assert_num_queries(13):
        response = client.get("/contacts/", {"period": "year", "district": bromma.pk, "channel": "phone"})

    assert response.context["page"].paginator.count == n


def test_consultant_without_a_consultant_record_is_told_so(bromma, types, login, in_english):
    user = UserFactory(role=Role.CONSULTANT, districts=[bromma])

    response = login(user).post("/log/", _form_data(intervention_type=types["advice"].pk, district=bromma.pk))

    assert "Your account is not linked to a consultant record" in response.content.decode()
    assert Contact.objects.count() == 0


def test_malformed_ids_in_the_address_are_ignored_not_server_errors(me, login):
    client = login(me)

    assert client.get("/log/", {"caregiver": "abc"}).status_code == 200
    assert client.get("/log/talk-status/", {"caregiver": "AL", "district": "x'--"}).json() == {"text": ""}


def test_a_contact_of_an_erased_caregiver_can_still_be_edited_and_stays_theirs(me, bromma, types, login):
    from caregivers.models import ErasureReason
    from caregivers.services import caregiver_erase

    caregiver = CaregiverFactory(label="GK", districts=[bromma])
    today = timezone.localdate()
    contact = ContactFactory(
        consultant=me.consultant,
        district=bromma,
        created_by=me,
        caregiver=caregiver,
        date=today - datetime.timedelta(days=1),
    )
    caregiver_erase(caregiver, by=me, reason=ErasureReason.REQUEST)
    client = login(me)

    form = client.get(f"/contacts/{contact.pk}/edit/").context["form"]
    assert form.fields["caregiver"].disabled is True
    # A disabled field ignores whatever is posted for it: typing another label changes nothing.
    data = _form_data(intervention_type=types["advice"].pk, district=bromma.pk, date=today.isoformat(), caregiver="XY")
    response = client.post(f"/contacts/{contact.pk}/edit/", data)

    contact.refresh_from_db()
    assert response.status_code == 302
    assert (contact.date, contact.caregiver_id) == (today, caregiver.pk)


def test_the_label_picker_offers_my_districts_caregivers_most_recently_met_first(me, bromma, types, monkeypatch):
    from interventions import selectors

    monkeypatch.setattr(selectors, "RECENT_BATCH", 2)  # several batches, as a busy district has
    elsewhere = DistrictFactory()
    old, recent, _never, erased, theirs = (
        CaregiverFactory(label=label, districts=[bromma]) for label in ("OLD", "RECENT", "ANEW", "ERASED", "X")
    )
    theirs.districts.set([elsewhere])
    day = timezone.localdate()
    for caregiver, days_ago in ((old, 30), (recent, 1), (old, 20), (erased, 0)):
        ContactFactory(district=bromma, caregiver=caregiver, date=day - datetime.timedelta(days=days_ago))
    ContactFactory(district=elsewhere, caregiver=theirs, date=day)
    erased.erased_at = timezone.now()
    erased.save()

    labels = [c.label for c in selectors.recent_caregivers(user=me)]

    assert labels == ["RECENT", "OLD", "ANEW"]  # then the never-met by label; nobody erased or elsewhere
    assert [c.label for c in selectors.recent_caregivers(user=me, limit=1)] == ["RECENT"]


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row + "</tr>" for row in body.split("</tr>") if row.strip()]


def test_the_contacts_table_shows_each_contact_and_only_my_own_actions(me, bromma, types, login, in_english):
    today = timezone.localdate()
    caregiver = CaregiverFactory(label="<b>AB</b>", districts=[bromma])
    talk = ContactFactory(consultant=me.consultant, district=bromma, created_by=me, date=today, caregiver=caregiver,
                          intervention_type=types["talks"], talk_number=2, talk_cap=3, channel="phone",
                          duration_minutes=45)  # fmt: skip
    Referral.objects.create(contact=talk, destination="association")
    colleague = UserFactory(role=Role.CONSULTANT, districts=[bromma])
    theirs = ContactFactory(district=bromma, created_by=colleague, date=today - datetime.timedelta(days=1),
                            intervention_type=types["advice"], channel="home_visit", duration_minutes=10)  # fmt: skip
    day = today.strftime("%m/%d/%Y")
    before = (today - datetime.timedelta(days=1)).strftime("%m/%d/%Y")

    rows = _rows(login(me).get("/contacts/", {"mine": "false"}).content.decode())

    assert rows == [
        f'<tr><td class="text-nowrap">{day}</td>'
        f'<td><a href="/caregivers/{caregiver.pk}/">&lt;b&gt;AB&lt;/b&gt;</a></td>'
        f'<td>{types["talks"].name} <span class="badge text-bg-secondary">talk 2 of 3</span>'
        ' <span class="badge text-bg-warning">→ Association</span></td>'
        '<td>Phone</td><td class="text-end">45</td><td>Bromma</td><td class="text-end text-nowrap">'
        f'<a href="/contacts/{talk.pk}/edit/">Edit<span class="visually-hidden"> {day}</span></a>'
        f' <a href="/outcomes/talks/{talk.pk}/scores/">ORS/SRS<span class="visually-hidden"> {day}</span></a>'
        "</td></tr>",
        f'<tr><td class="text-nowrap">{before}</td><td><span class="text-body-secondary">anonymous</span></td>'
        f'<td>{types["advice"].name}</td><td>Home visit</td><td class="text-end">10</td><td>Bromma</td>'
        '<td class="text-end text-nowrap"></td></tr>',
    ]
    assert theirs.caregiver_id is None
    assert _rows(login(me).get("/contacts/", {"mine": "true", "channel": "email_sms"}).content.decode()) == [
        '<tr><td colspan="7" class="text-body-secondary">No contacts.</td></tr>'
    ]


def test_a_long_list_counts_to_its_cap_and_says_there_are_more(me, bromma, types, login, in_english, monkeypatch):
    from anhorigstod.pagination import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 50)
    ContactFactory.create_batch(53, consultant=me.consultant, district=bromma, created_by=me)
    client = login(me)

    response = client.get("/contacts/")
    html = response.content.decode()

    paginator = response.context["page"].paginator
    assert (paginator.count, paginator.capped, paginator.num_pages) == (51, True, 2)
    assert "More than 50 contacts: the newest are shown. Narrow them with the filters." in html
    assert '<span class="page-link">Page 1</span>' in html
    monkeypatch.setattr(CappedPaginator, "cap", 53)
    html = client.get("/contacts/").content.decode()
    assert "53 contacts" in html and "More than" not in html
    assert '<span class="page-link">Page 1 of 2</span>' in html
