"""Writes of users, roles and two-factor devices."""

from __future__ import annotations

import math
from collections.abc import Iterable

import django_otp
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import DISTRICT_ROLES, Role, User
from .scoping import forget_scope
from .two_factor import confirmed_device, two_factor_required


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    password: str,
    district_codes: Iterable[str] = (),
    municipality_code: str | None = None,
    serves_codes: Iterable[str] = (),
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create a user with a role, the districts they serve and their municipality; nothing is saved if
    anything is wrong. The municipality is the districts' (one for all of them); a user without
    districts names it, unless the installation holds only one."""
    codes = list(dict.fromkeys(district_codes))
    if role not in Role.values:
        raise ValidationError(
            {
                "role": _("Unknown role %(role)r; choose one of: %(roles)s.")
                % {"role": role, "roles": ", ".join(Role.values)}
            }
        )
    # The district model through the relation: the accounts app stands beneath the districts.
    district_model = User._meta.get_field("districts").related_model
    districts = list(district_model.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {d.code for d in districts})
    if unknown:
        raise ValidationError({"districts": _("Unknown district code(s): %(codes)s.") % {"codes": ", ".join(unknown)}})
    if role in DISTRICT_ROLES and not districts:
        raise ValidationError({"districts": _("A consultant or district manager must serve at least one district.")})
    if role == Role.ANALYST:
        # Above the municipalities: no district, no municipality, no personal data anywhere.
        if districts or municipality_code:
            raise ValidationError(
                {"districts": _("A regional analyst serves no district and belongs to no municipality.")}
            )
        municipality = None
    else:
        # A hosting organisation's user starts in the first municipality they serve, unless told otherwise.
        first_served = next(iter(serves_codes), None) if not districts else None
        municipality = _municipality_for(districts, municipality_code or first_served)
    user = User(
        username=username,
        role=role,
        email=email,
        first_name=first_name,
        last_name=last_name,
        municipality=municipality,
    )
    user.set_unusable_password()
    user.full_clean()
    validate_password(password, user=user)
    user.set_password(password)
    serves = _served(user, serves_codes, municipality)
    user.save()
    user.districts.set(districts)
    user.serves_municipalities.set(serves)
    return user


def _served(user: User, codes: Iterable[str], municipality) -> list:
    """The municipalities a hosting organisation's user may switch between: the ones named, with their
    own first municipality among them. Only strategists and administrators without districts switch."""
    codes = list(dict.fromkeys(codes))
    if not codes:
        return []
    if user.role not in (Role.STRATEGIST, Role.ADMIN):
        raise ValidationError({"municipality": _("Only strategists and administrators serve several municipalities.")})
    municipality_model = User._meta.get_field("municipality").related_model
    served = list(municipality_model.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {m.code for m in served})
    if unknown:
        raise ValidationError({"municipality": _("Unknown municipality code %(code)s.") % {"code": ", ".join(unknown)}})
    if municipality is not None and municipality.pk not in {m.pk for m in served}:
        served.append(municipality)
    return served


def _municipality_for(districts: list, code: str | None):
    """The municipality of a new user: their districts' (all in one), or the one named, or the only one
    (with several, a user without districts must name theirs)."""
    municipality_model = User._meta.get_field("municipality").related_model
    named = None
    if code:
        named = municipality_model.objects.filter(code=code).first()
        if named is None:
            raise ValidationError({"municipality": _("Unknown municipality code %(code)s.") % {"code": code}})
    of_districts = {d.municipality_id for d in districts}
    if len(of_districts) > 1:
        raise ValidationError({"districts": _("A user's districts must all belong to one municipality.")})
    if of_districts:
        if named is not None and named.pk not in of_districts:
            raise ValidationError({"municipality": _("The districts belong to another municipality.")})
        return districts[0].municipality
    if named is not None:
        return named
    only = list(municipality_model.objects.all()[:2])
    if len(only) > 1:
        raise ValidationError({"municipality": _("Name the municipality the user works in.")})
    # The only one; or none yet, as for the first administrator of an installation with no reference data.
    return only[0] if only else None


def _one_time_code_check(*, user: User, device: TOTPDevice, token: str) -> TOTPDevice:
    """Return the device if the token is right; otherwise raise on the code field.

    Not inside a transaction of its own caller: a wrong code must count towards django-otp's
    throttling even though this raises, so the failure is committed by `django_otp.verify_token`.
    """
    allowed, info = device.verify_is_allowed()
    if not allowed:
        wait = max(1, math.ceil((info["locked_until"] - timezone.now()).total_seconds()))
        raise ValidationError({"otp_token": _("Too many wrong codes. Try again in %(seconds)s s.") % {"seconds": wait}})
    verified = django_otp.verify_token(user, device.persistent_id, token)
    if verified is None:
        raise ValidationError({"otp_token": _("The code is wrong or has expired. Enter the code your app shows now.")})
    return verified


def two_factor_enrolment_start(*, user: User) -> TOTPDevice:
    """The unconfirmed device to enrol with: the same one until confirmed, so a reload keeps the QR code."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice(user=user, name="Authenticator app", confirmed=False)
        device.full_clean()
        device.save()
    return device


def two_factor_enrolment_confirm(*, user: User, token: str) -> TOTPDevice:
    """Confirm the enrolment with a code from the app; the device then guards every login."""
    if confirmed_device(user) is not None:
        raise ValidationError({"otp_token": _("Two-factor login is already on.")})
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        raise ValidationError({"otp_token": _("The set-up has expired; start again.")})
    device = _one_time_code_check(user=user, device=device, token=token)
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return device


def two_factor_login_verify(*, user: User, token: str) -> TOTPDevice:
    """Check the code asked for after the password; the caller marks the session verified."""
    device = confirmed_device(user)
    if device is None:
        raise ValidationError({"otp_token": _("Two-factor login is not on.")})
    return _one_time_code_check(user=user, device=device, token=token)


def two_factor_disable(*, user: User, token: str) -> int:
    """Turn two-factor login off with a current code, unless the user's role requires it.

    Returns the number of devices removed.
    """
    if two_factor_required(user):
        raise ValidationError({"otp_token": _("Two-factor login is required for your role and cannot be turned off.")})
    device = confirmed_device(user)
    if device is None:
        raise ValidationError({"otp_token": _("Two-factor login is not on.")})
    _one_time_code_check(user=user, device=device, token=token)
    removed, _per_model = TOTPDevice.objects.filter(user=user).delete()
    return removed


@transaction.atomic
def user_municipality_pick(*, user: User, code: str) -> User:
    """Switch a hosting organisation's user to another of the municipalities they serve: from the next
    request everything they see is that municipality's (``accounts.scoping`` reads ``user.municipality``).
    Only city-wide users without districts switch: a consultant's or manager's municipality is their
    districts'."""
    municipality = user.serves_municipalities.filter(code=code).first()
    if municipality is None or not user.is_city_wide or user.districts.exists():
        raise ValidationError({"municipality": _("You do not work in that municipality.")})
    user.municipality = municipality
    user.save(update_fields=["municipality"])
    forget_scope(user)
    return user
