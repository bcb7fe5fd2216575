from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "interventions"
    verbose_name = _("Base level of interventions")

    def ready(self) -> None:
        # Imported here: models can be imported only once the apps are loaded.
        from caregivers.extensions import register_holding
        from districts.extensions import register_check, register_municipality_check, register_page_section

        from .caregiver_holding import CAREGIVER_HOLDING
        from .selectors import check_default_talk_cap, check_talk_cap, district_offerings

        register_check(check_talk_cap)
        register_municipality_check(check_default_talk_cap)
        register_page_section(position=30, template="interventions/_district_offerings.html", read=district_offerings)
        # The caregiver's page, register extract and retention rule read their contacts through this.
        register_holding(CAREGIVER_HOLDING)
