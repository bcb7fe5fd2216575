from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.utils.translation import gettext_lazy as _

from accounts.scoping import DistrictScopedAdmin
from anhorigstod.admin_site import ReadOnlyAdminMixin

from .models import Representative, RepresentativeTraining
from .services import representative_refresher_default


@admin.register(Representative)
class RepresentativeAdmin(DistrictScopedAdmin):
    list_display = (
        "label",
        "unit_name",
        "unit_kind",
        "district",
        "target_group",
        "trained_on",
        "next_refresher",
        "ended_on",
    )
    list_filter = ("unit_kind", "target_group", ("district", RelatedOnlyFieldListFilter), "ended_on")
    search_fields = ("label", "unit_name", "district__name")
    list_select_related = ("district",)

    def save_model(self, request, obj, form, change):
        # The same default as the register's own pages: the standard interval after the training.
        representative_refresher_default(obj)
        super().save_model(request, obj, form, change)


@admin.register(RepresentativeTraining)
class RepresentativeTrainingAdmin(ReadOnlyAdminMixin, DistrictScopedAdmin):
    """Trainings are recorded on the register's page, which also moves the representatives' dates."""

    list_display = ("date", "title", "kind", "network", "participants", "district_list")
    list_filter = ("kind", ("districts", RelatedOnlyFieldListFilter), "date")
    search_fields = ("title",)
    list_select_related = ("network",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("districts")

    @admin.display(description=_("districts"))
    def district_list(self, obj) -> str:
        return ", ".join(d.name for d in obj.districts.all())
