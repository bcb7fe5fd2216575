from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.scoping import DistrictScopedAdmin, DistrictScopedInline, in_users_municipality

from .access import may_edit_description
from .models import Allocation, AssignmentDescription, AssignmentTask, Consultant, DescriptionAssignment, Method
from .selectors import allocated_percent, consultant_allocated_percent, has_current_description
from .services import assignment_description_adopt, assignment_description_new_version


def _warn_if_over_allocated(request, consultant: Consultant) -> None:
    # Over-allocation is flagged, not refused: the district may have agreed to it.
    allocated = consultant_allocated_percent(consultant=consultant)
    if allocated > consultant.employment_percent:
        messages.warning(
            request,
            _("%(ref)s is allocated %(allocated)d %% but employed %(employed)d %% on caregiver support.")
            % {"ref": consultant.ref, "allocated": allocated, "employed": consultant.employment_percent},
        )


class AllocationInline(DistrictScopedInline):
    """The consultant's allocations, each in force from one day to another: a change of staffing ends
    one row and adds another, so past periods keep their staffing."""

    model = Allocation
    fields = ("district", "target_group", "percent", "valid_from", "valid_to")


class DescriptionAssignmentInline(DistrictScopedInline):
    model = DescriptionAssignment


@admin.register(Consultant)
class ConsultantAdmin(DistrictScopedAdmin):
    list_display = (
        "ref",
        "user",
        "role",
        "home_district",
        "target_group",
        "employment_percent",
        "allocated",
        "documented",
    )
    list_filter = ("role", "target_group", ("home_district", RelatedOnlyFieldListFilter), "methods")
    search_fields = ("ref", "note", "user__first_name", "user__last_name", "user__username")
    list_select_related = ("home_district", "user")
    filter_horizontal = ("methods",)
    inlines = (AllocationInline, DescriptionAssignmentInline)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                allocated_percent=allocated_percent(),
                current_description=has_current_description(on=timezone.localdate()),
            )
        )

    @admin.display(description=_("allocated (%)"), ordering="allocated_percent")
    def allocated(self, obj) -> str:
        if obj.allocated_percent > obj.employment_percent:
            return f"{obj.allocated_percent} ⚠"
        return str(obj.allocated_percent)

    @admin.display(description=_("current description"), boolean=True, ordering="current_description")
    def documented(self, obj) -> bool:
        return obj.current_description

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        _warn_if_over_allocated(request, form.instance)


@admin.register(Allocation)
class AllocationAdmin(DistrictScopedAdmin):
    list_display = ("consultant", "district", "target_group", "percent", "valid_from", "valid_to")
    list_filter = ("target_group", ("district", RelatedOnlyFieldListFilter))
    search_fields = ("consultant__ref", "district__name")
    list_select_related = ("consultant", "district")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _warn_if_over_allocated(request, obj.consultant)


@admin.register(Method)
class MethodAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class AssignmentTaskInline(admin.TabularInline):
    model = AssignmentTask
    extra = 0
    fields = ("kind", "position", "text", "is_amendment")


@admin.register(AssignmentDescription)
class AssignmentDescriptionAdmin(DistrictScopedAdmin):
    list_display = ("title", "version", "district", "target_group", "based_on", "adopted_on")
    list_filter = (("district", RelatedOnlyFieldListFilter), "target_group", "adopted_on")
    search_fields = ("title", "series", "tasks__text")
    list_select_related = ("district", "based_on")
    inlines = (AssignmentTaskInline,)
    actions = ("new_version", "adopt_for_my_districts")

    def has_change_permission(self, request, obj=None):
        if obj is not None and not may_edit_description(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not may_edit_description(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    exclude = ("municipality",)

    def get_form(self, request, obj=None, **kwargs):
        form = in_users_municipality(super().get_form(request, obj, **kwargs), request.user)
        if "district" in form.base_fields and not request.user.is_city_wide:
            # Managers write their own district's descriptions; the template is the strategists'.
            form.base_fields["district"].required = True
        if "based_on" in form.base_fields:
            templates = AssignmentDescription.objects.visible_to(request.user).filter(district__isnull=True)
            form.base_fields["based_on"].queryset = templates
        return form

    @admin.action(description=_("Start a new version of the selected descriptions"))
    def new_version(self, request, queryset):
        allowed = [d for d in queryset if may_edit_description(request.user, d)]
        for description in allowed:
            assignment_description_new_version(description=description)
        self.message_user(
            request,
            ngettext("%(n)d new draft version created.", "%(n)d new draft versions created.", len(allowed))
            % {"n": len(allowed)},
        )

    @admin.action(
        description=_("Adopt the selected templates for my districts (as drafts)"),
        permissions=["add"],
    )
    def adopt_for_my_districts(self, request, queryset):
        templates = [d for d in queryset if d.is_template]
        districts = [] if request.user.is_city_wide else list(request.user.districts.order_by("name"))
        for template in templates:
            for district in districts:
                assignment_description_adopt(template=template, district=district, adopted_on=None)
        created = len(templates) * len(districts)
        self.message_user(
            request,
            ngettext(
                "%(n)d draft created: add the district's amendments, then set the adoption date.",
                "%(n)d drafts created: add the district's amendments, then set the adoption date.",
                created,
            )
            % {"n": created},
            messages.SUCCESS if created else messages.WARNING,
        )


@admin.register(DescriptionAssignment)
class DescriptionAssignmentAdmin(DistrictScopedAdmin):
    list_display = ("consultant", "description", "valid_from", "valid_until")
    list_filter = ("valid_from",)
    search_fields = ("consultant__ref", "description__title")
    list_select_related = ("consultant", "description")
