from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import DistrictScopedAdmin, DistrictScopedInline, user_municipality_id

from .models import Budget, CaregiverRepresentativeCount, District, Municipality, Network, SupportPurchase
from .selectors import budget_on
from .validity import in_force_during


class RepresentativeCountInline(DistrictScopedInline):
    model = CaregiverRepresentativeCount


class _AnySellerMixin:
    """A district may buy from any district of its municipality: the seller is chosen among them, the
    buyer within scope."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "seller":
            kwargs["queryset"] = District.objects.filter(municipality_id=user_municipality_id(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PurchaseInline(_AnySellerMixin, DistrictScopedInline):
    model = SupportPurchase
    fk_name = "buyer"


class BudgetInline(DistrictScopedInline):
    """The district's budgets, each in force from one day to another: the history, newest first."""

    model = Budget
    fields = ("sek_per_year", "valid_from", "valid_to")
    ordering = ("-valid_from",)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    """The municipalities of the installation, with their inhabitants: an administrator changes only
    their own. None is added or deleted here yet: a municipality comes with its reference data
    (``load_reference_data``)."""

    list_display = ("name", "code", "inhabitants", "district_count")
    search_fields = ("name", "code")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.pk != user_municipality_id(request.user):
            return False
        return super().has_change_permission(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(district_count=Count("districts"))

    @admin.display(description=_("districts"), ordering="district_count")
    def district_count(self, obj: Municipality) -> int:
        return obj.district_count


@admin.register(District)
class DistrictAdmin(DistrictScopedAdmin):
    list_display = ("name", "code", "municipality", "own_budget", "budget", "inhabitants", "consultant_count")
    list_filter = ("municipality", "own_budget", ("networks", RelatedOnlyFieldListFilter))
    list_select_related = ("municipality",)
    search_fields = ("name", "code", "placement")
    # The base-level offerings' inline is added by the interventions app (interventions.admin).
    inlines = (BudgetInline, RepresentativeCountInline, PurchaseInline)

    def get_queryset(self, request):
        today = timezone.localdate()
        in_force = in_force_during(today, today, through="allocations")
        return (
            super()
            .get_queryset(request)
            .annotate(
                consultant_count=Count("allocations__consultant", filter=in_force, distinct=True),
                budget_today=budget_on(on=today),
            )
        )

    @admin.display(description=_("budget (SEK per year)"), ordering="budget_today")
    def budget(self, obj) -> int | None:
        return obj.budget_today

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "municipality":  # an administrator's districts are of their own municipality
            kwargs["queryset"] = Municipality.objects.filter(pk=user_municipality_id(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # The code, name and municipality identify the district; only administrators change them.
        return () if request.user.is_superuser else ("code", "name", "municipality")

    @admin.display(description=_("consultants"), ordering="consultant_count")
    def consultant_count(self, obj) -> int:
        return obj.consultant_count


@admin.register(Network)
class NetworkAdmin(DistrictScopedAdmin):
    list_display = ("name", "code", "member_list")
    search_fields = ("name", "code")
    filter_horizontal = ("districts",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("districts")

    @admin.display(description=_("districts"))
    def member_list(self, obj) -> str:
        return ", ".join(d.name for d in obj.districts.all())


@admin.register(SupportPurchase)
class SupportPurchaseAdmin(_AnySellerMixin, DistrictScopedAdmin):
    list_display = ("buyer", "seller", "target_group", "share_percent")
    list_filter = ("target_group", ("buyer", RelatedOnlyFieldListFilter), ("seller", RelatedOnlyFieldListFilter))
    list_select_related = ("buyer", "seller")


@admin.register(Budget)
class BudgetAdmin(DistrictScopedAdmin):
    list_display = ("district", "sek_per_year", "valid_from", "valid_to")
    list_filter = (("district", RelatedOnlyFieldListFilter),)
    list_select_related = ("district",)
    date_hierarchy = "valid_from"


@admin.register(CaregiverRepresentativeCount)
class CaregiverRepresentativeCountAdmin(DistrictScopedAdmin):
    list_display = ("district", "target_group", "count", "note")
    list_filter = ("target_group", ("district", RelatedOnlyFieldListFilter))
    search_fields = ("district__name", "note")
    list_select_related = ("district",)
