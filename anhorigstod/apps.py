from django.contrib.admin.apps import AdminConfig


class AnhorigstodAdminConfig(AdminConfig):
    default_site = "anhorigstod.admin_site.AnhorigstodAdminSite"
