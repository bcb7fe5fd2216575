from django.contrib import admin

from accounts.scoping import user_municipality_id

from .models import BenchmarkPublication, PublishedFigures


@admin.register(PublishedFigures)
class PublishedFiguresAdmin(admin.ModelAdmin):
    """Figures municipalities published themselves (public reports): the installation's to correct
    (administrators), everyone's to read."""

    list_display = ("municipality", "year", "inhabitants", "staff", "reach", "cost_sek", "source")
    list_filter = ("year",)
    search_fields = ("municipality__name", "municipality__code")
    list_select_related = ("municipality",)


@admin.register(BenchmarkPublication)
class BenchmarkPublicationAdmin(admin.ModelAdmin):
    """A municipality's publishing to the benchmark, read only: decided on the benchmark page, where the
    one rule (``services.benchmark_publish``) records who and when. Each sees their own municipality's."""

    list_display = ("municipality", "year", "published_at", "published_by", "withdrawn_at", "withdrawn_by")
    list_filter = ("year",)
    list_select_related = ("municipality", "published_by", "withdrawn_by")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(municipality_id=user_municipality_id(request.user))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
