from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """A dictionary's value by a key held in a variable (the figure tables are keyed by figure name)."""
    return mapping.get(key) if mapping else None
