from base64 import b32encode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from anhorigstod.form_errors import apply_validation_error

from .forms import OneTimeCodeForm
from .services import (
    two_factor_disable as two_factor_disable_service,
)
from .services import (
    two_factor_enrolment_confirm,
    two_factor_enrolment_start,
    two_factor_login_verify,
    user_municipality_pick,
)
from .two_factor import confirmed_device, remember_device_state, two_factor_required


@login_required
def security(request):
    return render(request, "accounts/security.html", _security_context(request, OneTimeCodeForm()))


@login_required
def municipality(request):
    """A hosting organisation's user picks which of their municipalities they work in; the header names it."""
    user = request.user
    choices = list(user.serves_municipalities.order_by("name")) if user.is_city_wide else []
    error = ""
    if request.method == "POST":
        try:
            user_municipality_pick(user=user, code=request.POST.get("municipality", ""))
        except ValidationError as exc:
            error = " ".join(exc.message_dict.get("municipality", exc.messages))
        else:
            messages.success(request, _("You now work in %(name)s.") % {"name": user.municipality.name})
            return redirect("followup:overview")
    return render(
        request, "accounts/municipality.html", {"choices": choices, "error": error}, status=400 if error else 200
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, in our layout; the current session stays, the user's others end.

    Django's form validates the new password (AUTH_PASSWORD_VALIDATORS); `form_valid` keeps this
    session by updating its password hash, and every other session of the user fails the hash check
    on its next request.
    """

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:security")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request, _("Your password was changed. Any other sessions where you were logged in have ended.")
        )
        return response


@login_required
def two_factor_setup(request):
    user = request.user
    if confirmed_device(user) is not None:
        messages.info(request, _("Two-factor login is already on."))
        return redirect("accounts:security")
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor_enrolment_confirm(user=user, token=form.cleaned_data["otp_token"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            _mark_verified(request, device)
            messages.success(request, _("Two-factor login is on. From now on you enter a code after your password."))
            return redirect(_next_url(request) or "accounts:security")
    device = two_factor_enrolment_start(user=user)
    context = {
        "form": form,
        "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5, light="#fff"),
        "secret": _readable_secret(device),
        "required": two_factor_required(user),
        "next": _next_url(request),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
def two_factor_verify(request):
    user = request.user
    done = _next_url(request) or resolve_url(settings.LOGIN_REDIRECT_URL)
    if user.is_verified():
        return redirect(done)
    if confirmed_device(user) is None:
        # An administrator removed the device (a lost phone) since this session logged in.
        remember_device_state(request, user)
        return redirect(done)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor_login_verify(user=user, token=form.cleaned_data["otp_token"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            _mark_verified(request, device)
            return redirect(done)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_POST
def two_factor_disable(request):
    if confirmed_device(request.user) is None:
        # Nothing to turn off (and the page has no form to show a code's error on).
        messages.info(request, _("Two-factor login is not on."))
        return redirect("accounts:security")
    form = OneTimeCodeForm(request.POST)
    if form.is_valid():
        try:
            two_factor_disable_service(user=request.user, token=form.cleaned_data["otp_token"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
            remember_device_state(request, request.user)
            messages.success(request, _("Two-factor login is off."))
            return redirect("accounts:security")
    return render(request, "accounts/security.html", _security_context(request, form))


def _security_context(request, disable_form: OneTimeCodeForm) -> dict:
    return {
        "device": confirmed_device(request.user),
        "required": two_factor_required(request.user),
        "disable_form": disable_form,
    }


def _mark_verified(request, device: TOTPDevice) -> None:
    # A new session key for the raised trust, as at the password login.
    request.session.cycle_key()
    django_otp.login(request, device)
    remember_device_state(request, request.user)


def _next_url(request) -> str:
    """The page to return to after the two-factor step, if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _readable_secret(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, as authenticator apps ask for it when typed."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
