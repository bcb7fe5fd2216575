from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter

from accounts.scoping import DistrictScopedAdmin, DistrictScopedInline
from anhorigstod.admin_site import ReadOnlyAdminMixin
from districts.admin import DistrictAdmin

from .models import Contact, DistrictOffering, Group, GroupMeeting, InterventionType, Organiser, Referral


class OfferingInline(DistrictScopedInline):
    model = DistrictOffering


# A district's offerings are edited on its admin page; the district app knows nothing of them.
DistrictAdmin.inlines = (*DistrictAdmin.inlines, OfferingInline)


@admin.register(InterventionType)
class InterventionTypeAdmin(admin.ModelAdmin):
    """The base-level catalogue is city-wide: everyone reads it, strategists maintain it."""

    list_display = ("name", "code", "category", "cap_min", "cap_default", "cap_max", "position")
    list_filter = ("category",)
    search_fields = ("name", "code", "description")
    list_editable = ("position",)


@admin.register(DistrictOffering)
class DistrictOfferingAdmin(DistrictScopedAdmin):
    list_display = ("district", "target_group", "intervention_type", "organiser")
    list_filter = ("target_group", ("district", RelatedOnlyFieldListFilter), "intervention_type__category")
    search_fields = ("district__name", "intervention_type__name")
    list_select_related = ("district", "intervention_type")


@admin.register(Organiser)
class OrganiserAdmin(admin.ModelAdmin):
    list_display = ("name", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)


class LoggedEntryAdmin(ReadOnlyAdminMixin, DistrictScopedAdmin):
    """Logged work is read in the admin; it is written through the app's own forms and their rules."""


@admin.register(Contact)
class ContactAdmin(LoggedEntryAdmin):
    list_display = ("date", "district", "channel", "intervention_type", "consultant", "caregiver", "talk_number")
    list_filter = ("channel", ("district", RelatedOnlyFieldListFilter), "intervention_type", "date")
    list_select_related = ("district", "intervention_type", "consultant", "caregiver")
    date_hierarchy = "date"
    search_fields = ("caregiver__label", "consultant__ref")


@admin.register(Group)
class GroupAdmin(LoggedEntryAdmin):
    list_display = ("name", "kind", "district", "topic", "organiser", "max_meetings", "starts_on")
    list_filter = ("kind", "topic", ("district", RelatedOnlyFieldListFilter))
    list_select_related = ("district", "organiser")
    search_fields = ("name",)


@admin.register(GroupMeeting)
class GroupMeetingAdmin(LoggedEntryAdmin):
    list_display = ("group", "number", "date", "unnamed_count")
    list_select_related = ("group",)


@admin.register(Referral)
class ReferralAdmin(LoggedEntryAdmin):
    list_display = ("contact", "destination")
    list_filter = ("destination",)
    list_select_related = ("contact",)
