from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter

from accounts.scoping import DistrictScopedAdmin
from anhorigstod.admin_site import ReadOnlyAdminMixin

from .models import CycleSettings, EntryException, MonthApproval, MonthReopening, MonthSubmission


@admin.register(CycleSettings)
class CycleSettingsAdmin(admin.ModelAdmin):
    """The city's one row of settings: strategists and administrators change it; without it the defaults apply."""

    list_display = ("__str__", "lock_days_after_month_end", "updated_at")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not CycleSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class CycleRecordAdmin(ReadOnlyAdminMixin, DistrictScopedAdmin):
    """The months' steps are taken on the app's own pages, under their rules; the admin reads them."""


@admin.register(MonthApproval)
class MonthApprovalAdmin(CycleRecordAdmin):
    list_display = ("district", "month", "status", "approved_by", "approved_at", "accepted_by", "accepted_at")
    list_filter = ("status", ("district", RelatedOnlyFieldListFilter))
    list_select_related = ("district", "approved_by", "accepted_by")
    date_hierarchy = "month"


@admin.register(MonthSubmission)
class MonthSubmissionAdmin(CycleRecordAdmin):
    list_display = ("approval", "consultant", "submitted_by", "submitted_at")
    list_select_related = ("approval__district", "consultant", "submitted_by")


@admin.register(EntryException)
class EntryExceptionAdmin(CycleRecordAdmin):
    list_display = ("district", "month", "granted_to", "granted_by", "granted_at", "valid_until", "reason")
    list_filter = (("district", RelatedOnlyFieldListFilter),)
    list_select_related = ("district", "granted_to", "granted_by")


@admin.register(MonthReopening)
class MonthReopeningAdmin(CycleRecordAdmin):
    list_display = ("district", "month", "from_status", "reopened_by", "reopened_at", "reason")
    list_filter = ("from_status", ("district", RelatedOnlyFieldListFilter))
    list_select_related = ("district", "reopened_by")
