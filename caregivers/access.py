"""Scoped fetches of caregivers: personal data, so only in the districts the user serves."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Caregiver


def access_caregiver_by_id(user, caregiver_id: int, *, permission: str | None = None) -> Caregiver:
    """The caregiver, if in the user's districts (and the user has ``permission``); else 404, as if missing."""
    if permission is not None and not user.has_perm(permission):
        raise Http404
    return get_object_or_404(Caregiver.objects.visible_to(user), pk=caregiver_id)


def access_caregiver_for_change(user, caregiver_id: int) -> Caregiver:
    """A caregiver whose data may still change: an erased one answers 404."""
    return get_object_or_404(Caregiver.objects.visible_to(user).not_erased(), pk=caregiver_id)
