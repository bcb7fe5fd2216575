"""The audit log in the admin: read-only for everyone, superusers included, and scoped like the log page."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.scoping import DistrictScopedAdmin
from anhorigstod.admin_site import ReadOnlyAdminMixin

from .models import ACTION_LABELS, AuditEntry
from .selectors import change_lines

# django-auditlog registers its own (unscoped) admin for the entry model: only this one may stand.
if admin.site.is_registered(AuditEntry):
    admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, DistrictScopedAdmin):
    list_display = ("timestamp", "action_label", "content_type", "object_pk", "object_repr", "actor")
    list_filter = ("action", "content_type")
    list_select_related = ("actor", "content_type")
    search_fields = ("object_repr", "object_pk", "actor__username", "actor__first_name", "actor__last_name")
    date_hierarchy = "timestamp"
    fields = ("timestamp", "actor", "action_label", "content_type", "object_pk", "object_repr", "change_list")
    readonly_fields = fields

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, entry: AuditEntry) -> str:
        return str(ACTION_LABELS.get(entry.action, entry.action))

    @admin.display(description=_("changes"))
    def change_list(self, entry: AuditEntry):
        lines = change_lines(entry, entry.content_type.model_class())
        return format_html_join(
            "\n",
            "<div><strong>{}</strong>: {}</div>",
            (
                (
                    line.field,
                    f"{line.operation} {', '.join(line.objects)}"
                    if line.operation
                    else _("hidden")
                    if line.hidden
                    else f"{line.old} → {line.new}",
                )
                for line in lines
            ),
        )
