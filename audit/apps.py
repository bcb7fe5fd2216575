from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        # Imported here: the registry reads the apps' models, which load only once the apps are ready.
        from .registry import register_audited_models

        register_audited_models()
