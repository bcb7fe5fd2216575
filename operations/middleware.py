from django.conf import settings
from django.core.exceptions import BadRequest
from django.db import transaction
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _

from .submissions import (
    SAVED_SESSION_KEY,
    Replay,
    queued_messages,
    replay_response,
    submission_claim,
    submission_record,
    submission_release,
    submission_token_of,
)


class OneSubmissionMiddleware:
    """Runs a POST that carries a one-time submission token once (see operations/submissions.py).

    Last in MIDDLEWARE, so CSRF, login and two-factor checks have already passed when it calls the
    view. A submission counts as saved when the view redirects (Post/Redirect/Get); any other answer
    (a form shown again with its errors) frees the token, and an exception rolls everything back,
    the token included, so a retry after an outage saves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        token = submission_token_of(request)
        user = getattr(request, "user", None)
        if token is None or user is None or not user.is_authenticated:
            return None
        with transaction.atomic():
            claim = submission_claim(token=token, user=user, path=request.path)
            if claim is None:
                raise BadRequest(_("This form belongs to another user's page."))
            if isinstance(claim, Replay):
                request.session[SAVED_SESSION_KEY] = str(token)
                return replay_response(request, claim)
            before = len(queued_messages(request))
            response = view_func(request, *view_args, **view_kwargs)
            location = response.get("Location", "") if 300 <= response.status_code < 400 else ""
            # A redirect to the login page (the session ended) saved nothing.
            if location and not location.startswith(resolve_url(settings.LOGIN_URL)):
                added = [[m.level, str(m.message), m.extra_tags or ""] for m in queued_messages(request)[before:]]
                submission_record(claim=claim, location=location, added_messages=added)
                request.session[SAVED_SESSION_KEY] = str(token)
            else:
                submission_release(claim=claim)
        return response
