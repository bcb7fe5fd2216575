from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "followup"
    verbose_name = _("Follow-up")

    def ready(self) -> None:
        # Imported here: both read the models, which load only once the apps are ready.
        from . import sections, upkeep  # noqa: F401 - upkeep connects the receivers that keep the figures marked

        sections.register()  # hands the follow-up figures' definitions to the figures engine
