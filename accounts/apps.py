from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Users and roles")

    def ready(self):
        # Imported here: two_factor reads the models, which load only once the apps are ready.
        from django.contrib.auth.signals import user_logged_in

        from .two_factor import on_user_logged_in

        # Remember at login whether the user has a two-factor device, so requests need not ask.
        user_logged_in.connect(on_user_logged_in, dispatch_uid="accounts.two_factor.on_user_logged_in")
