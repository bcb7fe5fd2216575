"""``{% submission_token %}``: the one-time token of a form that creates something."""

import uuid

from django import template
from django.utils.html import format_html

from ..submissions import FIELD, SAVED_SESSION_KEY, submission_token_of

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_token(context) -> str:
    """A hidden input with a new token; a form shown again after an error keeps the token it was sent
    with (nothing was saved under it). ``data-saved`` names the token the last save used, so the
    browser can drop the draft it kept of that submission."""
    request = context.get("request")
    token = submission_token_of(request) if request is not None else None
    saved = ""
    if request is not None and hasattr(request, "session"):
        # Taken from the session once per request; every form of the page shows it.
        if not hasattr(request, "_saved_submission"):
            request._saved_submission = request.session.pop(SAVED_SESSION_KEY, "")
        saved = request._saved_submission
    return format_html(
        '<input type="hidden" name="{}" value="{}" data-saved="{}">', FIELD, token or uuid.uuid4(), saved
    )
