"""The districts app's writes: a municipality joins the installation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import District, Municipality


@transaction.atomic
def municipality_add(
    *, code: str, name: str, inhabitants: int | None = None, units: list[tuple[str, str]] = ()
) -> Municipality:
    """Add a municipality with its districts (or its one unit), each given as (code, name): no code
    change, no migration. Nothing is saved if any of it is wrong (a bad kommunkod, a taken name or
    district code): the message names the field."""
    if Municipality.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Municipality %(code)s is already here.") % {"code": code}})
    municipality = Municipality(code=code, name=name, inhabitants=inhabitants)
    municipality.full_clean()
    municipality.save()
    for unit_code, unit_name in units:
        district = District(municipality=municipality, code=unit_code, name=unit_name)
        try:
            district.full_clean()
        except ValidationError as exc:
            raise ValidationError(
                {"districts": [f"{unit_code}: {m}" for messages in exc.message_dict.values() for m in messages]}
            ) from None
        district.save()
    return municipality
