from django import template

from districts.models import TargetGroup

from ..selectors import DUE_WITHIN_DAYS

register = template.Library()


@register.filter
def target_group_label(code: str) -> str:
    """A target group's name from its code (the figures keep codes, to stay plain data)."""
    try:
        return TargetGroup(code).label
    except ValueError:
        return code


@register.simple_tag
def refresher_window() -> int:
    """How many days ahead a refresher counts as due (``DUE_WITHIN_DAYS``), for the pages' wording."""
    return DUE_WITHIN_DAYS
