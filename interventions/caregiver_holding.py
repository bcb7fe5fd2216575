"""The contacts and group meetings of one caregiver, as the caregivers app shows, extracts and retains
them (``caregivers.extensions``): registered there when Django starts, so that the caregivers app,
on the floor below, imports nothing of this one."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Prefetch
from django.utils.translation import gettext as _

from caregivers.extensions import ExtractSection, Holding, day_words, label_words, yes_no_words
from caregivers.models import Caregiver
from districts.models import District

from .models import Channel, Contact, GroupMeeting, InterventionType, Referral, ReferralDestination
from .selectors import talk_status


def caregiver_page(*, caregiver: Caregiver, user, districts: list[District]) -> dict:
    """The caregiver's live contacts, talks used in each of their districts, meetings attended and
    referrals, as far as the user may see them, in a fixed number of queries (and one per district)."""
    contacts = list(
        Contact.objects.visible_to(user)
        .alive()
        .filter(caregiver=caregiver)
        .select_related("intervention_type", "district", "consultant", "caregiver", "meeting__group")
        .prefetch_related("referrals")
        .order_by("-date", "-pk")
    )
    talks = []
    for district in districts:
        used, cap = talk_status(caregiver=caregiver, district=district)
        talks.append({"district": district, "used": used, "cap": cap})
    return {
        "contacts": contacts,
        "talks": talks,
        "meetings": list(
            GroupMeeting.objects.visible_to(user)
            .alive()
            .filter(attendees=caregiver)
            .select_related("group")
            .order_by("-date")
        ),
        "referrals": list(
            Referral.objects.visible_to(user)
            .filter(contact__caregiver=caregiver, contact__deleted_at__isnull=True)
            .select_related("contact")
        ),
    }


def caregiver_extract(*, caregiver: Caregiver) -> dict:
    """The caregiver's live contacts (with their referrals) and meetings attended, in every district,
    as plain data: ISO dates and codes. Withdrawn ones no longer count anywhere and are left out."""
    contacts = (
        Contact.objects.alive()
        .filter(caregiver=caregiver)
        .select_related("intervention_type", "district")
        .prefetch_related(Prefetch("referrals", queryset=Referral.objects.order_by("pk")))
        .order_by("date", "pk")
    )
    meetings = GroupMeeting.objects.alive().filter(attendees=caregiver).select_related("group").order_by("date", "pk")
    return {
        "contacts": [
            {
                "date": c.date.isoformat(),
                "intervention_type": c.intervention_type.code,
                "channel": c.channel,
                "duration_minutes": c.duration_minutes,
                "district": c.district.code,
                "guidance_talk": c.talk_number is not None,
                "talk_number": c.talk_number,
                "group_meeting": c.meeting_id is not None,
                "referrals": [{"destination": r.destination} for r in c.referrals.all()],
            }
            for c in contacts
        ],
        "group_meetings": [
            {"group": m.group.name, "date": m.date.isoformat(), "meeting_number": m.number} for m in meetings
        ],
    }


def caregiver_extract_sections(extract: dict) -> list[ExtractSection]:
    """The contacts and meetings of an extract in the reader's words (two queries for the names)."""
    contacts = extract.get("contacts", [])
    districts = dict(District.objects.filter(code__in={c["district"] for c in contacts}).values_list("code", "name"))
    types = dict(
        InterventionType.objects.filter(code__in={c["intervention_type"] for c in contacts}).values_list("code", "name")
    )
    return [
        (
            _("Contacts"),
            [
                _("Date"),
                _("Intervention"),
                _("Channel"),
                _("District"),
                _("Minutes"),
                _("Guidance talk"),
                _("Referrals"),
            ],
            [
                [
                    day_words(c["date"]),
                    types.get(c["intervention_type"], c["intervention_type"]),
                    label_words(Channel.choices, c["channel"]),
                    districts.get(c["district"], c["district"]),
                    str(c["duration_minutes"]),
                    yes_no_words(c["guidance_talk"]),
                    ", ".join(label_words(ReferralDestination.choices, r["destination"]) for r in c["referrals"]),
                ]
                for c in contacts
            ],
        ),
        (
            _("Groups and circles"),
            [_("Group"), _("Date"), _("Meeting")],
            [[m["group"], day_words(m["date"]), str(m["meeting_number"])] for m in extract.get("group_meetings", [])],
        ),
    ]


def caregiver_met(since: datetime.date | None) -> list[Exists]:
    """A live contact of the caregiver, or a live group meeting they attended, on or after ``since``."""
    contacts = Contact.objects.filter(caregiver=OuterRef("pk"), deleted_at__isnull=True)
    meetings = GroupMeeting.objects.filter(attendees=OuterRef("pk"), deleted_at__isnull=True)
    if since is not None:
        contacts, meetings = contacts.filter(date__gte=since), meetings.filter(date__gte=since)
    return [Exists(contacts), Exists(meetings)]


CAREGIVER_HOLDING = Holding(
    page=caregiver_page, extract=caregiver_extract, extract_sections=caregiver_extract_sections, met=caregiver_met
)
