"""Scoped fetches: missing, out of scope and not permitted all answer 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import CaseOfficerMeasurement, CollaborationActivity, OutreachActivity, Partner


def require_permission(user, permission: str) -> None:
    """A page the role may not use answers 404, like one that does not exist."""
    if not user.has_perm(permission):
        raise Http404


def access_collaboration_activity(user, activity_id: int) -> CollaborationActivity:
    require_permission(user, "collaboration.change_collaborationactivity")
    return get_object_or_404(CollaborationActivity.objects.visible_to(user).select_related("network"), pk=activity_id)


def access_outreach_activity(user, activity_id: int) -> OutreachActivity:
    require_permission(user, "collaboration.change_outreachactivity")
    return get_object_or_404(OutreachActivity.objects.visible_to(user).select_related("network"), pk=activity_id)


def access_partner(user, partner_id: int) -> Partner:
    require_permission(user, "collaboration.change_partner")
    return get_object_or_404(Partner.objects.visible_to(user), pk=partner_id)


def access_measurement(user, measurement_id: int) -> CaseOfficerMeasurement:
    require_permission(user, "collaboration.change_caseofficermeasurement")
    return get_object_or_404(CaseOfficerMeasurement.objects.visible_to(user).select_related("unit"), pk=measurement_id)
