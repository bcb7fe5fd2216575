"""Scoped fetches of district records: missing and out-of-scope both answer 404."""

from django.shortcuts import get_object_or_404

from .models import District


def access_district_by_code(user, code: str) -> District:
    return get_object_or_404(District.objects.visible_to(user), code=code)
