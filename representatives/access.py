"""Scoped fetches for the register: missing, out of scope and (for changes) not allowed all answer 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from districts.access import access_district_by_code
from districts.models import District

from .models import Representative

CHANGE_PERMISSION = "representatives.change_representative"
TRAINING_PERMISSION = "representatives.add_representativetraining"


def access_register(user, code: str) -> District:
    """The district whose register the user may read: their own districts, or every one city-wide."""
    return access_district_by_code(user, code)


def access_register_for_change(user, code: str, permission: str = CHANGE_PERMISSION) -> District:
    """A district whose register the user maintains (its managers, administrators)."""
    district = access_district_by_code(user, code)
    if not user.has_perm(permission):
        raise Http404
    return district


def access_representative_for_change(user, district: District, representative_id: int) -> Representative:
    return get_object_or_404(Representative.objects.visible_to(user).filter(district=district), pk=representative_id)
