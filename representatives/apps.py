from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepresentativesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "representatives"
    verbose_name = _("Caregiver representatives")

    def ready(self) -> None:
        # Imported here: models can be imported only once the apps are loaded.
        from districts.extensions import register_page_section

        from .selectors import district_representatives

        register_page_section(
            position=40, template="representatives/_district_representatives.html", read=district_representatives
        )
