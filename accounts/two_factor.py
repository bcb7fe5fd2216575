"""Two-factor login (TOTP, django-otp): who must use it, and what a session knows about it.

The rule "who must" lives in `two_factor_required` alone; the middleware, the account page and the
disable view all ask it.
"""

from __future__ import annotations

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Role, User

# The roles that must log in with a one-time code when TWO_FACTOR_REQUIRED is on: they see every
# district, so a stolen password costs the most there.
TWO_FACTOR_ROLES = frozenset({Role.STRATEGIST, Role.ADMIN})

# Whether the user had a confirmed device when this session logged in. Remembered in the session so
# that the middleware costs no query on each request; `None` (an older session) means "not known yet".
HAS_DEVICE_SESSION_KEY = "accounts_two_factor_device"


def two_factor_required(user: User) -> bool:
    """Whether this user must log in with a one-time code (and may not turn two-factor login off): their
    municipality's setting, else the installation's. The municipality comes with the user from the
    session (the auth backend's ``select_related``): no query per request."""
    if user.role not in TWO_FACTOR_ROLES:
        return False
    municipality = user.municipality if user.municipality_id else None
    if municipality is not None and municipality.two_factor_required is not None:
        return municipality.two_factor_required
    return bool(settings.TWO_FACTOR_REQUIRED)


def confirmed_device(user: User) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if two-factor login is on for them."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def session_has_device(request) -> bool:
    """Whether the signed-in user has a confirmed device, as remembered by the session (asked once)."""
    known = request.session.get(HAS_DEVICE_SESSION_KEY)
    if known is None:
        known = remember_device_state(request, request.user)
    return known


def remember_device_state(request, user: User) -> bool:
    """Note in the session whether the user has a confirmed device (at login, and when it changes)."""
    has_device = confirmed_device(user) is not None
    request.session[HAS_DEVICE_SESSION_KEY] = has_device
    return has_device


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    """Connected to `user_logged_in` (accounts.apps): every login, including the admin's, asks once."""
    if request is not None and hasattr(request, "session"):
        remember_device_state(request, user)
