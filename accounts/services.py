"""Writes of users and roles."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from districts.models import District

from .models import DISTRICT_ROLES, Role, User


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    password: str,
    district_codes: Iterable[str] = (),
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create a user with a role and the districts they serve; nothing is saved if anything is wrong."""
    codes = list(dict.fromkeys(district_codes))
    if role not in Role.values:
        raise ValidationError(
            {
                "role": _("Unknown role %(role)r; choose one of: %(roles)s.")
                % {"role": role, "roles": ", ".join(Role.values)}
            }
        )
    districts = list(District.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {d.code for d in districts})
    if unknown:
        raise ValidationError({"districts": _("Unknown district code(s): %(codes)s.") % {"codes": ", ".join(unknown)}})
    if role in DISTRICT_ROLES and not districts:
        raise ValidationError({"districts": _("A consultant or district manager must serve at least one district.")})
    user = User(username=username, role=role, email=email, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    user.full_clean()
    validate_password(password, user=user)
    user.set_password(password)
    user.save()
    user.districts.set(districts)
    return user
