"""Scoped fetches of goals and who may change them: missing and out-of-scope both answer 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role
from accounts.scoping import district_ids_in_scope, user_municipality_id

from .models import Goal


def may_edit_goal(user, goal: Goal | None) -> bool:
    """City-wide goals are the strategists' (and administrators'); a district's goals its managers'.

    A district sets its own goals, as it adopts its own assignment description: strategists see and
    compare them but do not change them.
    """
    if goal is not None and goal.municipality_id != user_municipality_id(user):
        return False  # nobody changes another municipality's goals, administrators included
    if user.is_superuser:
        return True
    if goal is None or goal.is_city_wide:
        return user.role == Role.STRATEGIST
    if user.role != Role.MANAGER:
        return False
    return goal.district_id in district_ids_in_scope(user)


def may_add_goals(user) -> bool:
    if user.is_superuser or user.role == Role.STRATEGIST:
        return True
    return user.role == Role.MANAGER and bool(district_ids_in_scope(user))


def access_goal_for_edit(user, goal_id: int) -> Goal:
    """A goal the user may change; any other (missing, out of scope, not theirs to change) is 404."""
    goal = get_object_or_404(Goal.objects.visible_to(user).select_related("district"), pk=goal_id)
    if not may_edit_goal(user, goal):
        raise Http404
    return goal
