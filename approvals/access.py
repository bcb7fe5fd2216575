"""Who may take each step of a district's month, and scoped fetches of a district's month page."""

from __future__ import annotations

import datetime

from django.http import Http404

from accounts.models import Role
from accounts.scoping import district_ids_in_scope
from consultants.selectors import consultants_serving
from districts.access import access_district_by_code
from districts.models import District


def _serves(user, district: District) -> bool:
    return district.pk in (district_ids_in_scope(user, personal_data=True) or ())


def may_submit(user, district: District) -> bool:
    """A consultant submits their own part of a district's month: their consultant record works there
    (``consultants_serving``, the month page's list) and the district is in their scope."""
    consultant = getattr(user, "consultant", None)
    return (
        consultant is not None
        and _serves(user, district)
        and consultants_serving(district=district).filter(pk=consultant.pk).exists()
    )


def may_approve(user, district: District) -> bool:
    """The district's manager approves, reopens an approved month and grants exceptions; so may an
    administrator."""
    return user.is_superuser or (user.role == Role.MANAGER and _serves(user, district))


def may_accept(user) -> bool:
    """The strategists (and administrators) accept an approved month and reopen an accepted one."""
    return user.is_superuser or user.role == Role.STRATEGIST


def parse_month(value: str) -> datetime.date:
    """A month from the address ("2026-03"), as its first day; anything else is 404."""
    try:
        year, month = value.split("-")
        if len(year) != 4 or len(month) != 2 or not (year.isascii() and month.isascii()):
            raise ValueError
        return datetime.date(int(year), int(month), 1)
    except ValueError:
        raise Http404 from None


def access_district_month(user, code: str, month: str) -> tuple[District, datetime.date]:
    return access_district_by_code(user, code), parse_month(month)
