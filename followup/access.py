"""Scoped fetches of follow-up reports: missing, out-of-scope and not permitted all answer 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import FollowupReport


def reports_visible_to(user):
    """The reports ``user`` may open: those whose every district is in the user's scope."""
    if not user.has_perm("followup.view_followupreport"):
        raise Http404
    return FollowupReport.objects.visible_to(user)


def access_report(user, pk: int) -> FollowupReport:
    return get_object_or_404(reports_visible_to(user).select_related("network", "ordered_by"), pk=pk)
