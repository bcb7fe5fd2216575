from django.contrib import admin
from django.http import Http404
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from accounts.scoping import DistrictScopedAdmin

from .models import FollowupReport

REPORT_TASKS = ("followup.compile_scheduled_report",)


@admin.register(FollowupReport)
class FollowupReportAdmin(DistrictScopedAdmin):
    """Reports are ordered and read on their own pages; the admin lists them for support."""

    list_display = ("__str__", "status", "progress", "origin", "ordered_by", "ordered_at", "finished_at", "attempts")
    list_filter = ("status", "origin", "scope")
    readonly_fields = [f.name for f in FollowupReport._meta.fields if f.name != "content"] + ["districts"]
    exclude = ("content",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class ScheduleAdmin(PeriodicTaskAdmin):
    """Strategists see and change the report schedules only; administrators see every scheduled task."""

    def get_queryset(self, request):
        tasks = super().get_queryset(request)
        return tasks if request.user.is_superuser else tasks.filter(task__in=REPORT_TASKS)

    def get_object(self, request, object_id, from_field=None):
        # Like every scoped admin: a task outside what the user may see answers 404, as a missing one.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj
