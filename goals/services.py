"""Writes of goals: each checks who may write and validates the whole goal before saving."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.scoping import user_municipality_id
from districts.models import District

from .access import may_edit_goal
from .models import Goal

FIELDS = ("district", "year", "title", "measure", "target", "assessed_status", "comment")


def _save(goal: Goal, *, user, changes: dict) -> Goal:
    for name, value in changes.items():
        setattr(goal, name, value)
    if not may_edit_goal(user, goal):
        # Also after the change: a manager may not move a goal to another district or make it city-wide.
        raise PermissionDenied(_("You may not set this goal."))
    goal.changed_by = user
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def goal_create(
    *,
    user,
    district: District | None,
    year: int,
    title: str,
    measure: str,
    target: int | None = None,
    assessed_status: str = "",
    comment: str = "",
) -> Goal:
    changes = {
        "district": district,
        # A goal of the whole municipality is the municipality's of the user who sets it.
        "municipality_id": district.municipality_id if district is not None else user_municipality_id(user),
        "year": year,
        "title": title,
        "measure": measure,
        "target": target,
        "assessed_status": assessed_status or "",
        "comment": comment or "",
    }
    return _save(Goal(), user=user, changes=changes)


@transaction.atomic
def goal_update(*, goal: Goal, user, **changes) -> Goal:
    """Change a goal; the user must be allowed to change it both before and after."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"Unknown goal fields: {sorted(unknown)}")
    # "Before" is the goal as stored, not ``goal``: a model form validated on it has already copied the
    # new values onto it, and a manager must not take over another district's goal by moving it.
    stored = Goal.objects.select_for_update().get(pk=goal.pk)
    if not may_edit_goal(user, stored):
        raise PermissionDenied(_("You may not set this goal."))
    for name in ("assessed_status", "comment"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    return _save(stored, user=user, changes=changes)
