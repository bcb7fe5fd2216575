"""Scoped fetches for recording outcomes: personal data, so only in the districts the user serves.

Missing and out of scope both answer 404.
"""

from django.shortcuts import get_object_or_404

from accounts.scoping import scope_to_user
from interventions.models import Contact, Group


def access_talk(user, contact_id: int) -> Contact:
    """A live guidance talk in the user's own districts (any consultant's: managers record too)."""
    talks = Contact.objects.visible_to(user).alive().filter(talk_number__isnull=False)
    return get_object_or_404(talks.select_related("caregiver", "district", "outcome_score"), pk=contact_id)


def access_group_for_followup(user, group_id: int) -> Group:
    """A live group or circle of the user's own districts: its participants are personal data."""
    groups = scope_to_user(Group.objects.alive(), user, personal_data=True)
    return get_object_or_404(groups.select_related("district"), pk=group_id)
