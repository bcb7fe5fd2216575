from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    """What an installation is loaded with: the reference data (the city's 2018 mapping) and the demo
    generators (contacts and the follow-up cycle). It stands above every app it fills; none imports it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reference"
    verbose_name = _("Reference and demo data")
