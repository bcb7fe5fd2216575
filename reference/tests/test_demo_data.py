import datetime
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, Max

from caregivers.models import Caregiver
from districts.models import District
from interventions.models import Contact, Group, GroupMeeting, Referral
from reference.demo_contacts import generate

UNTIL = datetime.date(2026, 11, 20)


@pytest.fixture
def generated(reference_data):
    return generate(years=1, per_district=600, seed=1, until=UNTIL)


def test_every_district_gets_its_contacts_with_a_realistic_mix(generated):
    assert generated.contacts == Contact.objects.count() == 14 * 600
    per_district = dict(Contact.objects.values_list("district__code").annotate(n=Count("pk")))
    assert set(per_district.values()) == {600} and len(per_district) == District.objects.count()
    channels = Counter(Contact.objects.values_list("channel", flat=True))
    assert channels.most_common(1)[0][0] == "phone"
    assert channels["phone"] > 0.6 * generated.contacts
    genders = Counter(Caregiver.objects.values_list("gender", flat=True))
    assert genders["woman"] > 0.6 * sum(genders.values())
    conditions = Counter(Caregiver.objects.values_list("condition", flat=True))
    assert conditions.most_common(1)[0][0] == "dementia"
    assert Contact.objects.filter(date__gt=UNTIL).count() == 0
    assert Contact.objects.filter(caregiver__isnull=True).exists()


def test_talk_caps_are_respected_and_circles_keep_their_maximum(generated):
    most = Contact.objects.filter(talk_number__isnull=False).aggregate(m=Max("talk_number"))["m"]
    assert 1 <= most <= 5
    assert not Contact.objects.filter(talk_number__gt=5).exists()
    norrmalm_cap = Contact.objects.filter(district__code="norrmalm", talk_number__isnull=False).values("talk_cap")
    assert {row["talk_cap"] for row in norrmalm_cap} <= {5}
    # Each caregiver's talks in a district are numbered 1..n without gaps or repeats.
    numbering = (
        Contact.objects.filter(talk_number__isnull=False)
        .values("caregiver_id", "district_id")
        .annotate(n=Count("pk"), top=Max("talk_number"))
    )
    assert all(row["n"] == row["top"] for row in numbering)
    for group in Group.objects.filter(max_meetings__isnull=False).annotate(held=Count("meetings")):
        assert group.held <= group.max_meetings
    assert Group.objects.filter(kind="circle").exists()
    for meeting in GroupMeeting.objects.annotate(
        n=Count("contacts", distinct=True), named=Count("attendees", distinct=True)
    ):
        assert meeting.n == meeting.named + meeting.unnamed_count
    assert Referral.objects.exists()


def test_the_same_seed_gives_the_same_data(reference_data):
    generate(years=1, per_district=200, seed=7, until=UNTIL)
    first = list(Contact.objects.order_by("pk").values_list("date", "channel", "duration_minutes", "caregiver__label"))
    Contact.objects.all().delete()
    Caregiver.objects.all().delete()

    generate(years=1, per_district=200, seed=7, until=UNTIL)
    again = list(Contact.objects.order_by("pk").values_list("date", "channel", "duration_minutes", "caregiver__label"))

    assert [row[:3] for row in again] == [row[:3] for row in first]


def test_the_command_refuses_without_reference_data_and_skips_when_asked(db, settings, capsys):
    from django.core.management.base import CommandError

    settings.DEBUG = True
    with pytest.raises(CommandError, match="Load the reference data first"):
        call_command("generate_demo_contacts", "--per-district", "10")

    call_command("load_reference_data", "stockholm-2018")
    call_command("generate_demo_contacts", "--per-district", "50", "--until", "2026-11-20")
    call_command("generate_demo_contacts", "--per-district", "50", "--if-empty")

    assert "Contacts exist already" in capsys.readouterr().out
    assert Contact.objects.count() == 14 * 50
