from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.core.exceptions import PermissionDenied

from accounts.models import Role
from accounts.scoping import DistrictScopedAdmin, in_users_municipality
from districts.models import District

from .access import may_edit_goal
from .models import Goal


@admin.register(Goal)
class GoalAdmin(DistrictScopedAdmin):
    """Everyone sees the city-wide goals; only strategists and administrators change them."""

    list_display = ("title", "year", "district", "measure", "target", "assessed_status", "changed_by", "changed_at")
    list_filter = ("year", "measure", ("district", RelatedOnlyFieldListFilter))
    search_fields = ("title", "comment")
    list_select_related = ("district", "changed_by")
    readonly_fields = ("changed_by", "changed_at")

    def has_change_permission(self, request, obj=None):
        if obj is not None and not may_edit_goal(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not may_edit_goal(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    exclude = ("municipality",)

    def get_form(self, request, obj=None, **kwargs):
        form = in_users_municipality(super().get_form(request, obj, **kwargs), request.user)
        field = form.base_fields.get("district")
        if field is not None and not request.user.is_superuser:
            if request.user.role == Role.STRATEGIST:
                # Strategists set the city-wide goals only; the districts set their own.
                field.queryset = District.objects.none()
                field.required = False
            else:
                field.required = True
        return form

    def save_model(self, request, obj, form, change):
        if not may_edit_goal(request.user, obj):
            raise PermissionDenied
        obj.changed_by = request.user
        super().save_model(request, obj, form, change)
