from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiguresConfig(AppConfig):
    """The figures engine, at the bottom of the analytics: periods, the registry of figure sections,
    the facts and their upkeep, the figures kept per district, and the one read snapshot per report.
    It imports no domain app; the apps above register their definitions here (see ``registry``)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "figures"
    verbose_name = _("Figures")
