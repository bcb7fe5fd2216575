"""Scoped fetches of logged work: missing, out of scope and (for edits) not yours all answer 404."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from .models import Contact, Group, GroupMeeting


def access_own_contact(user, contact_id: int) -> Contact:
    """A live contact the user logged, or logged as the consultant; others' entries are not editable."""
    own = Q(created_by=user) | Q(consultant__user=user)
    return get_object_or_404(
        Contact.objects.visible_to(user).alive().filter(own, meeting__isnull=True).select_related("caregiver"),
        pk=contact_id,
    )


def access_group_by_id(user, group_id: int) -> Group:
    return get_object_or_404(
        Group.objects.visible_to(user).alive().select_related("district", "organiser", "leader"), pk=group_id
    )


def access_meeting(user, group: Group, meeting_id: int) -> GroupMeeting:
    return get_object_or_404(GroupMeeting.objects.visible_to(user).alive().filter(group=group), pk=meeting_id)
