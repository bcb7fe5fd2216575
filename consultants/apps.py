from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultantsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consultants"
    verbose_name = _("Consultants")

    def ready(self) -> None:
        # Imported here: models can be imported only once the apps are loaded.
        from districts.extensions import register_page_section

        from .selectors import district_allocations

        register_page_section(position=10, template="consultants/_district_allocations.html", read=district_allocations)
