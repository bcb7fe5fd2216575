from django import template

from districts.models import TargetGroup

register = template.Library()


@register.filter
def target_group_label(code: str) -> str:
    """A target group's name from its code (the figures keep codes, to stay plain data)."""
    try:
        return TargetGroup(code).label
    except ValueError:
        return code
