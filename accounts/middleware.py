"""Two-factor login, and the regional analyst's boundary: pages a user may not open whatever the view does."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from .models import Role
from .two_factor import session_has_device, two_factor_required

# Pages an unverified user may still open: the two-factor pages themselves, leaving, the language
# switch and the health check.
_ALLOWED_UNVERIFIED = frozenset(
    {
        "accounts:two_factor_verify",
        "accounts:two_factor_setup",
        "logout",
        "admin:logout",
        "set_language",
        "health",
    }
)


class TwoFactorMiddleware:
    """After the password, a user with a device must enter a code; a required role must enrol first.

    Runs after django-otp's OTPMiddleware, which gives `request.user.is_verified()`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and not self._allowed_unverified(request):
            if session_has_device(request):
                return self._redirect("accounts:two_factor_verify", request)
            if two_factor_required(user):
                return self._redirect("accounts:two_factor_setup", request)
        return self.get_response(request)

    @staticmethod
    def _allowed_unverified(request) -> bool:
        if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in _ALLOWED_UNVERIFIED

    @staticmethod
    def _redirect(view_name: str, request):
        return redirect(f"{reverse(view_name)}?{urlencode({'next': request.get_full_path()})}")


# What a regional analyst may open: the benchmark, their own account, leaving and the language switch.
# The start pages only send them on to the benchmark.
_ANALYST_APPS = frozenset({"benchmark", "accounts"})
_ANALYST_VIEWS = frozenset({"followup:overview", "followup:start", "login", "logout", "set_language", "health"})


class AnalystBoundaryMiddleware:
    """A regional analyst sees the benchmark and nothing else: every other page answers 404, whatever
    it would show (an empty list is still a district's page). One rule, before any view runs, so a
    page added later cannot forget it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and getattr(user, "role", None) == Role.ANALYST and not self._allowed(request):
            raise Http404
        return self.get_response(request)

    @staticmethod
    def _allowed(request) -> bool:
        if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True  # Django's own 404
        return match.app_name in _ANALYST_APPS or match.view_name in _ANALYST_VIEWS
