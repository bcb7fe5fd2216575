from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _


class OneTimeCodeField(forms.CharField):
    """Six digits; apps show them as "123 456", so spaces are dropped before checking."""

    default_validators = [RegexValidator(r"^[0-9]{6}\Z", _("Enter the six digits shown in your authenticator app."))]

    def to_python(self, value):
        return "".join(super().to_python(value).split())


class OneTimeCodeForm(forms.Form):
    """The code from the user's authenticator app; the services check it against the device."""

    otp_token = OneTimeCodeField(
        label=_("Code from your authenticator app"),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
    )
