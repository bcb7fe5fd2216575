"""Reads of caregivers: search within scope and a caregiver's timeline."""

from __future__ import annotations

from django.db.models import Max, QuerySet
from django.db.models.functions import Lower

from interventions.models import Contact, GroupMeeting, Referral
from interventions.selectors import talk_status

from .models import Caregiver


def caregiver_search(*, user, query: str = "") -> QuerySet[Caregiver]:
    """Caregivers in the user's districts whose label starts with ``query``, recently contacted first."""
    caregivers = Caregiver.objects.visible_to(user).prefetch_related("districts")
    if query:
        caregivers = caregivers.annotate(lower_label=Lower("label")).filter(lower_label__startswith=query.lower())
    return caregivers.annotate(last_contact=Max("contacts__date")).order_by("-last_contact", "label")


def caregiver_timeline(*, caregiver: Caregiver, user) -> dict:
    """Everything the caregiver's page shows, in a fixed number of queries."""
    contacts = list(
        Contact.objects.visible_to(user)
        .alive()
        .filter(caregiver=caregiver)
        .select_related("intervention_type", "district", "consultant", "caregiver", "meeting__group")
        .prefetch_related("referrals")
        .order_by("-date", "-pk")
    )
    districts = list(caregiver.districts.order_by("name"))
    talks = []
    for district in districts:
        used, cap = talk_status(caregiver=caregiver, district=district)
        talks.append({"district": district, "used": used, "cap": cap})
    return {
        "contacts": contacts,
        "districts": districts,
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
        "offers": list(caregiver.support_contact_offers.select_related("support_person", "support_person__user")),
    }
