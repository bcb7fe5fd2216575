"""Data subjects' rights: the register extract, erasure on request and the retention job."""

import base64
import datetime
import json
import re
import zlib

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import Role
from accounts.scoping import SYSTEM
from accounts.tests.factories import UserFactory
from audit.models import AuditEntry
from caregivers.models import Caregiver, CaregiverErasure, RetentionRun, SupportContactOffer
from caregivers.selectors import caregiver_search
from caregivers.services import caregiver_erase, caregivers_erase_expired
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from figures.periods import Period
from followup.selectors import district_figures
from interventions.forms import ContactForm
from interventions.models import Contact, GroupMeeting, Referral
from interventions.tests.factories import ContactFactory, GroupFactory, GuidanceTalksTypeFactory

TZ = timezone.get_fixed_timezone(60)  # Stockholm in winter


@pytest.fixture
def bromma(db):
    return DistrictFactory(code="bromma", name="Bromma", talk_cap=4)


@pytest.fixture
def manager(bromma):
    return UserFactory(role=Role.MANAGER, districts=[bromma])


@pytest.fixture
def consultant(bromma):
    return ConsultantFactory(
        ref="K01", home_district=bromma, user=UserFactory(role=Role.CONSULTANT, districts=[bromma])
    )


def _seed(bromma, consultant) -> Caregiver:
    """A caregiver with an offer, a talk with a referral, an advice call, a group meeting and a withdrawn contact."""
    caregiver = CaregiverFactory(districts=[bromma], label="Anna K", birth_year=1950, age_band="65-79")
    Caregiver.objects.filter(pk=caregiver.pk).update(
        created_at=datetime.datetime(2026, 1, 10, 9, 0, tzinfo=TZ),
        updated_at=datetime.datetime(2026, 1, 11, 9, 0, tzinfo=TZ),
    )
    caregiver.refresh_from_db()
    SupportContactOffer.objects.create(
        caregiver=caregiver, offered_on=datetime.date(2026, 2, 1), status="accepted",
        answered_on=datetime.date(2026, 2, 3), support_person=consultant,
    )  # fmt: skip
    talk = ContactFactory(
        caregiver=caregiver, consultant=consultant, date=datetime.date(2026, 3, 2), channel="individual_meeting",
        duration_minutes=45, intervention_type=GuidanceTalksTypeFactory(), talk_number=1, talk_cap=4,
    )  # fmt: skip
    Referral.objects.create(contact=talk, destination="doctor")
    ContactFactory(caregiver=caregiver, consultant=consultant, date=datetime.date(2026, 3, 5))
    ContactFactory(
        caregiver=caregiver, consultant=consultant, date=datetime.date(2026, 3, 6), deleted_at=timezone.now()
    )
    ContactFactory(caregiver=CaregiverFactory(districts=[bromma]), consultant=consultant)  # someone else's
    group = GroupFactory(district=bromma, name="Anhöriggrupp demens")
    meeting = GroupMeeting.objects.create(
        group=group, number=1, date=datetime.date(2026, 3, 10), duration_minutes=90, consultant=consultant
    )
    meeting.attendees.add(caregiver)
    ContactFactory(caregiver=caregiver, consultant=consultant, date=meeting.date, channel="group_meeting",
                   duration_minutes=90, meeting=meeting)  # fmt: skip
    return caregiver


def _log(caregiver, *, action: int, actor, at: datetime.datetime) -> None:
    AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Caregiver), object_pk=str(caregiver.pk),
        object_id=caregiver.pk, object_repr="x", action=action, actor=actor, timestamp=at,
    )  # fmt: skip


@pytest.fixture
def seeded(bromma, consultant, manager):
    caregiver = _seed(bromma, consultant)
    # Only the entries set here, whatever the audit log recorded while seeding.
    AuditEntry.objects.all().delete()
    _log(caregiver, action=0, actor=consultant.user, at=datetime.datetime(2026, 1, 10, 9, 0, tzinfo=TZ))
    _log(caregiver, action=3, actor=manager, at=datetime.datetime(2026, 3, 11, 14, 30, tzinfo=TZ))
    _log(caregiver, action=1, actor=None, at=datetime.datetime(2026, 3, 12, 8, 0, tzinfo=TZ))
    return caregiver


# --- Register extract ------------------------------------------------------------------------------


def test_the_json_extract_holds_everything_about_the_caregiver(seeded, manager, login):
    response = login(manager).get(f"/caregivers/{seeded.pk}/extract.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="registerutdrag-{seeded.pk}.json"'
    assert "no-store" in response["Cache-Control"]
    extract = json.loads(response.content.decode("utf-8"))
    extracted_at = datetime.datetime.fromisoformat(extract.pop("extracted_at"))
    assert abs(timezone.now() - extracted_at) < datetime.timedelta(minutes=1)
    assert extract == {
        "caregiver": {
            "id": seeded.pk, "label": "Anna K", "birth_year": 1950, "age_band": "65-79", "gender": "woman",
            "relation": "partner", "condition": "dementia", "target_group": "65_plus",
            "districts": [{"code": "bromma", "name": "Bromma"}],
            "created_at": "2026-01-10T09:00:00+01:00", "updated_at": "2026-01-11T09:00:00+01:00",
            "erased": False, "erased_at": None,
        },
        "support_contact_offers": [
            {"offered_on": "2026-02-01", "status": "accepted", "answered_on": "2026-02-03", "support_contact": "K01"},
        ],
        "contacts": [
            {"date": "2026-03-02", "intervention_type": "guidance_talks", "channel": "individual_meeting",
             "duration_minutes": 45, "district": "bromma", "guidance_talk": True, "talk_number": 1,
             "group_meeting": False, "referrals": [{"destination": "doctor"}]},
            {"date": "2026-03-05", "intervention_type": "advice", "channel": "phone", "duration_minutes": 15,
             "district": "bromma", "guidance_talk": False, "talk_number": None, "group_meeting": False,
             "referrals": []},
            {"date": "2026-03-10", "intervention_type": "advice", "channel": "group_meeting", "duration_minutes": 90,
             "district": "bromma", "guidance_talk": False, "talk_number": None, "group_meeting": True,
             "referrals": []},
        ],
        "group_meetings": [{"group": "Anhöriggrupp demens", "date": "2026-03-10", "meeting_number": 1}],
        "audit_log": [
            {"at": "2026-01-10T09:00:00+01:00", "action": "create", "by_role": "consultant"},
            {"at": "2026-03-11T14:30:00+01:00", "action": "access", "by_role": "manager"},
            {"at": "2026-03-12T08:00:00+01:00", "action": "update", "by_role": None},
        ],
    }  # fmt: skip


def test_downloading_an_extract_is_logged_as_a_view_of_the_caregiver(seeded, manager, login):
    entries = AuditEntry.objects.filter(object_id=seeded.pk, content_type__model="caregiver", action=3)
    before = entries.count()

    login(manager).get(f"/caregivers/{seeded.pk}/extract.pdf")

    assert entries.count() == before + 1
    assert entries.order_by("-timestamp").first().actor == manager


def _pdf_text(data: bytes) -> str:
    """The text drawn in a reportlab PDF: its page streams' (ASCII85 and Flate) string operands, decoded."""
    text = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        stream = zlib.decompress(base64.a85decode(stream.strip().removesuffix(b"~>")))
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", stream, re.S):
            unescaped = re.sub(rb"\\([0-7]{1,3}|.)", lambda m: _unescape(m.group(1)), literal)
            text.append(unescaped.decode("cp1252"))
    return " ".join(text)


def _unescape(token: bytes) -> bytes:
    if token[:1].isdigit():
        return bytes([int(token, 8)])
    return {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(token, token)


def test_the_pdf_extract_has_a_section_per_part(seeded, manager, login):
    response = login(manager).get(f"/caregivers/{seeded.pk}/extract.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    with translation.override(settings.LANGUAGE_CODE):
        headings = [gettext(h) for h in ("Register extract", "The caregiver", "Support contact", "Contacts",
                                         "Groups and circles", "Who saw or changed the data")]  # fmt: skip
    for heading in headings:
        assert heading in text
    for value in ("Anna K", "1950", "Bromma", "K01", "Anhöriggrupp demens", "Enskilda (vägledande) samtal"):
        assert value in text


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "pdfx"])
def test_other_formats_answer_404(seeded, manager, login, file_format):
    assert login(manager).get(f"/caregivers/{seeded.pk}/extract.{file_format}").status_code == 404


def test_a_caregiver_of_another_district_answers_404(seeded, login):
    other = UserFactory(role=Role.MANAGER, districts=[DistrictFactory()])
    client = login(other)

    assert client.get(f"/caregivers/{seeded.pk}/extract.json").status_code == 404
    assert client.get(f"/caregivers/{seeded.pk}/erase/").status_code == 404
    assert client.post(f"/caregivers/{seeded.pk}/erase/", {"confirm": "on"}).status_code == 404
    assert Caregiver.objects.get(pk=seeded.pk).label == "Anna K"


def test_a_consultant_without_the_permissions_gets_404_and_no_buttons(seeded, consultant, login):
    client = login(consultant.user)

    assert client.get(f"/caregivers/{seeded.pk}/extract.json").status_code == 404
    assert client.get(f"/caregivers/{seeded.pk}/erase/").status_code == 404
    assert client.post(f"/caregivers/{seeded.pk}/erase/", {"confirm": "on"}).status_code == 404
    assert (Caregiver.objects.get(pk=seeded.pk).erased_at, CaregiverErasure.objects.count()) == (None, 0)
    page = client.get(f"/caregivers/{seeded.pk}/").content.decode()
    assert f"/caregivers/{seeded.pk}/extract.pdf" not in page
    assert f"/caregivers/{seeded.pk}/erase/" not in page


def test_a_manager_sees_the_buttons(seeded, manager, login):
    page = login(manager).get(f"/caregivers/{seeded.pk}/").content.decode()

    for href in (f"/caregivers/{seeded.pk}/extract.pdf", f"/caregivers/{seeded.pk}/extract.json",
                 f"/caregivers/{seeded.pk}/erase/"):  # fmt: skip
        assert f'href="{href}"' in page


# --- Erasure on request ----------------------------------------------------------------------------


def _report_numbers(user, period: Period) -> dict:
    from followup.services import report_compile, report_order

    report = report_order(user=user, period=period, scope="city", enqueue=False)
    report_compile(report.pk)
    report.refresh_from_db()
    content = dict(report.content)
    content.pop("compiled_at")
    return content


def test_erasure_keeps_every_figure_and_report_and_removes_what_identifies(seeded, bromma, manager, login, in_english):
    period = Period.year(2026)
    figures_before = district_figures(period=period, district_ids=[bromma.pk])
    report_before = _report_numbers(SYSTEM, period)
    contacts_before = list(Contact.objects.filter(caregiver=seeded).order_by("pk").values_list("pk", "date"))

    page = login(manager).get(f"/caregivers/{seeded.pk}/erase/").content.decode()
    assert "What is erased" in page and "What stays" in page
    response = login(manager).post(f"/caregivers/{seeded.pk}/erase/", {"confirm": "on"})

    assert response.status_code == 302 and response["Location"] == f"/caregivers/{seeded.pk}/"
    caregiver = Caregiver.objects.get(pk=seeded.pk)
    assert (caregiver.label, caregiver.birth_year) == ("–", None)
    assert caregiver.erased_at is not None
    assert (caregiver.age_band, caregiver.gender, caregiver.relation, caregiver.condition, caregiver.target_group) == (
        "65-79", "woman", "partner", "dementia", "65_plus"
    )  # fmt: skip
    assert list(caregiver.districts.all()) == [bromma]
    assert list(Contact.objects.filter(caregiver=seeded).order_by("pk").values_list("pk", "date")) == contacts_before
    assert district_figures(period=period, district_ids=[bromma.pk]) == figures_before
    assert district_figures(period=period, district_ids=[bromma.pk])[bromma.pk]["caregivers"] == 2
    assert _report_numbers(SYSTEM, period) == report_before
    erasure = CaregiverErasure.objects.get()
    assert (erasure.caregiver_id, erasure.reason, erasure.erased_by, erasure.retention_run) == (
        seeded.pk, "request", manager, None
    )  # fmt: skip
    # Found by nobody any more, and not to be chosen when logging.
    assert list(caregiver_search(user=manager, query="Anna")) == []
    assert list(caregiver_search(user=manager, query="–")) == []
    form = ContactForm(
        {"caregiver": "Anna K", "intervention_type": Contact.objects.first().intervention_type_id, "channel": "phone",
         "duration_minutes": 15, "date": "2026-03-20", "district": bromma.pk},
        user=manager,
    )  # fmt: skip
    assert not form.is_valid() and list(form.errors) == ["caregiver"]
    # Their page says so and shows nothing more; no change, no extract beyond the fact.
    page = login(manager).get(f"/caregivers/{seeded.pk}/").content.decode()
    assert "identifying data was erased" in page
    assert "Anna K" not in page and "/extract.pdf" not in page and "/edit/" not in page
    assert login(manager).get(f"/caregivers/{seeded.pk}/edit/").status_code == 404
    extract = login(manager).get(f"/caregivers/{seeded.pk}/extract.json").json()
    assert extract["caregiver"] == {
        "id": seeded.pk, "erased": True, "erased_at": timezone.localtime(caregiver.erased_at).isoformat()
    }  # fmt: skip
    assert set(extract) == {"extracted_at", "caregiver"}


def test_erasing_twice_is_harmless(seeded, manager):
    first = caregiver_erase(seeded, by=manager, reason="request")
    erased_at = Caregiver.objects.get(pk=seeded.pk).erased_at

    second = caregiver_erase(Caregiver.objects.get(pk=seeded.pk), by=manager, reason="request")

    assert second == first
    assert CaregiverErasure.objects.count() == 1
    assert Caregiver.objects.get(pk=seeded.pk).erased_at == erased_at


def test_without_the_confirmation_nothing_is_erased(seeded, manager, login, in_english):
    response = login(manager).post(f"/caregivers/{seeded.pk}/erase/", {})

    assert response.status_code == 400
    assert "Tick the box to confirm the erasure. Nothing was erased." in response.content.decode()
    caregiver = Caregiver.objects.get(pk=seeded.pk)
    assert (caregiver.label, caregiver.birth_year, caregiver.erased_at) == ("Anna K", 1950, None)
    assert CaregiverErasure.objects.count() == 0


def test_a_new_caregiver_may_take_a_label_like_an_erased_ones(seeded, manager, bromma):
    from caregivers.services import caregiver_create

    caregiver_erase(seeded, by=manager, reason="request")
    other = CaregiverFactory(districts=[bromma], label="Bo")
    caregiver_erase(other, by=manager, reason="request")

    new = caregiver_create(user=manager, label="Anna K", districts=[bromma], relation="child", condition="dementia",
                           target_group="65_plus")  # fmt: skip

    assert [c.pk for c in caregiver_search(user=manager, query="anna")] == [new.pk]


# --- Retention -------------------------------------------------------------------------------------

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture
def retention_cases(bromma, consultant):
    """Caregivers last met 3 years + 1 day, 3 years - 1 day and 4 years + 1 day ago, and never."""

    def caregiver(label: str, *, created: datetime.date, last_contact: datetime.date | None = None,
                  meeting: datetime.date | None = None) -> Caregiver:  # fmt: skip
        c = CaregiverFactory(districts=[bromma], label=label)
        Caregiver.objects.filter(pk=c.pk).update(created_at=datetime.datetime.combine(created, datetime.time(12), TZ))
        if last_contact:
            ContactFactory(caregiver=c, consultant=consultant, date=last_contact - datetime.timedelta(days=30))
            ContactFactory(caregiver=c, consultant=consultant, date=last_contact)
        if meeting:
            m = GroupMeeting.objects.create(group=GroupFactory(district=bromma), number=1, date=meeting,
                                            duration_minutes=60, consultant=consultant)  # fmt: skip
            m.attendees.add(c)
        return c

    cases = {
        "past_3y": caregiver("past", created=datetime.date(2020, 1, 1), last_contact=datetime.date(2023, 6, 14)),
        "within_3y": caregiver("within", created=datetime.date(2020, 1, 1), last_contact=datetime.date(2023, 6, 16)),
        "past_4y": caregiver("old", created=datetime.date(2020, 1, 1), last_contact=datetime.date(2022, 6, 14)),
        "never_4y": caregiver("never", created=datetime.date(2022, 6, 15)),
        "never_new": caregiver("new", created=datetime.date(2026, 1, 1)),
        "meeting_recent": caregiver(
            "group",
            created=datetime.date(2020, 1, 1),
            last_contact=datetime.date(2021, 1, 1),
            meeting=datetime.date(2025, 9, 1),
        ),
        "deleted_only": caregiver("deleted", created=datetime.date(2020, 1, 1)),
    }
    # A withdrawn contact is no contact: this caregiver counts as never contacted.
    ContactFactory(caregiver=cases["deleted_only"], consultant=consultant, date=datetime.date(2026, 2, 1),
                   deleted_at=timezone.now())  # fmt: skip
    return cases


def _erased(cases) -> set[str]:
    ids = set(Caregiver.objects.filter(erased_at__isnull=False).values_list("pk", flat=True))
    return {name for name, c in cases.items() if c.pk in ids}


def test_the_retention_job_erases_caregivers_with_no_contact_for_n_years(retention_cases, settings):
    settings.CAREGIVER_RETENTION_YEARS = 3

    (run,) = caregivers_erase_expired(today=TODAY)

    assert _erased(retention_cases) == {"past_3y", "past_4y", "never_4y", "deleted_only"}
    run.refresh_from_db()
    assert (run.run_on, run.retention_years, run.cutoff, run.erased_count) == (
        TODAY, 3, datetime.date(2023, 6, 15), 4
    )  # fmt: skip
    assert run.finished_at is not None
    erasures = CaregiverErasure.objects.order_by("caregiver_id")
    assert [(e.caregiver_id, e.reason, e.erased_by, e.retention_run_id) for e in erasures] == sorted(
        (retention_cases[n].pk, "retention", None, run.pk) for n in ("past_3y", "past_4y", "never_4y", "deleted_only")
    )
    assert Caregiver.objects.get(pk=retention_cases["past_3y"].pk).label == "–"
    assert Contact.objects.filter(caregiver=retention_cases["past_3y"]).count() == 2

    (second,) = caregivers_erase_expired(today=TODAY)

    assert second.erased_count == 0 and second.erasures.count() == 0
    assert CaregiverErasure.objects.count() == 4
    assert RetentionRun.objects.count() == 2


def test_a_longer_retention_period_keeps_more(retention_cases, settings):
    settings.CAREGIVER_RETENTION_YEARS = 5

    (run,) = caregivers_erase_expired(today=TODAY)

    assert _erased(retention_cases) == {"deleted_only"}
    assert (run.cutoff, run.erased_count) == (datetime.date(2021, 6, 15), 1)

    settings.CAREGIVER_RETENTION_YEARS = 4
    (run,) = caregivers_erase_expired(today=TODAY)

    # Created exactly four years ago and never contacted: not *more* than four years, so kept.
    assert _erased(retention_cases) == {"deleted_only", "past_4y"}
    assert (run.cutoff, run.erased_count) == (datetime.date(2022, 6, 15), 1)


def test_the_task_is_scheduled_under_its_registered_name(bromma, settings):
    from anhorigstod.celery import app
    from caregivers.tasks import erase_expired_caregivers

    entry = settings.CELERY_BEAT_SCHEDULE["erase-expired-caregivers"]
    assert entry["task"] == "caregivers.erase_expired_caregivers" == erase_expired_caregivers.name
    assert entry["task"] in app.tasks
    settings.CAREGIVER_RETENTION_YEARS = 3
    old, new = CaregiverFactory(districts=[bromma]), CaregiverFactory(districts=[bromma])
    Caregiver.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=3 * 366 + 1))

    assert erase_expired_caregivers.apply().get() == 1
    assert list(CaregiverErasure.objects.values_list("caregiver_id", "retention_run__erased_count")) == [(old.pk, 1)]
    assert Caregiver.objects.get(pk=new.pk).erased_at is None


def test_a_municipalitys_own_retention_period_rules_its_caregivers_in_a_run_of_its_own(retention_cases, settings):
    settings.CAREGIVER_RETENTION_YEARS = 3
    stockholm = retention_cases["past_3y"].municipality
    stockholm.retention_years = 5
    stockholm.save()

    installation, own = caregivers_erase_expired(today=TODAY)

    # Stockholm keeps five years: only the caregiver with nothing but a deleted contact goes.
    assert _erased(retention_cases) == {"deleted_only"}
    assert (installation.retention_years, installation.erased_count) == (3, 0)
    assert (own.retention_years, own.cutoff, own.erased_count) == (5, datetime.date(2021, 6, 15), 1)
