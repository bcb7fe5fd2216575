from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaregiversConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "caregivers"
    verbose_name = _("Caregivers")
