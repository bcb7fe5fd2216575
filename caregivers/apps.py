from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaregiversConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "caregivers"
    verbose_name = _("Caregivers")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the receivers that keep the snapshots marked
