"""Scoped fetches of caregivers: personal data, so only in the districts the user serves."""

from django.shortcuts import get_object_or_404

from .models import Caregiver


def access_caregiver_by_id(user, caregiver_id: int) -> Caregiver:
    return get_object_or_404(Caregiver.objects.visible_to(user), pk=caregiver_id)
