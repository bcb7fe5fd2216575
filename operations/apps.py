from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """The bottom floor for running the service: one-time submission tokens, the workers' and beat's
    heartbeats, backups. It imports no other app of ours; the others may use it."""

    name = "operations"
    verbose_name = _("Operations")
