"""Scoped fetches of consultant records: missing and out-of-scope both answer 404."""

from django.shortcuts import get_object_or_404

from accounts.scoping import district_ids_in_scope, user_municipality_id

from .models import AssignmentDescription, Consultant


def access_consultant_by_id(user, consultant_id: int) -> Consultant:
    return get_object_or_404(
        Consultant.objects.visible_to(user).select_related("home_district", "user"), pk=consultant_id
    )


def access_description_by_id(user, description_id: int) -> AssignmentDescription:
    return get_object_or_404(
        AssignmentDescription.objects.visible_to(user).select_related("district", "based_on"), pk=description_id
    )


def may_edit_description(user, description: AssignmentDescription | None) -> bool:
    """The city-wide template is the strategists' to edit; a district's own description its managers'.
    Nobody edits another municipality's."""
    if description is not None and description.municipality_id != user_municipality_id(user):
        return False
    if description is None or description.is_template:
        return user.is_city_wide
    if user.is_superuser:
        return True
    if user.is_city_wide:
        return False
    return description.district_id in district_ids_in_scope(user)
