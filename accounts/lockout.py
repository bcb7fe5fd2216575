"""What django-axes records of a failed login."""

from __future__ import annotations

from django.conf import settings

# AccessAttempt.username and the other axes username columns are varchar(255).
AXES_USERNAME_MAX_LENGTH = 255


def login_username(request, credentials: dict | None = None) -> str | None:
    """The username axes counts failures by (AXES_USERNAME_CALLABLE): the submitted one, cut to its column.

    Axes stores the username as typed; a longer one (scanners send them) fails the insert with a
    DataError, a server error on the login page (jazzband/django-axes#1381). Lookups use the same
    cut, so the lockout still counts every attempt by that name.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    username = credentials.get(field) if credentials else getattr(request, "data", request.POST).get(field)
    return username[:AXES_USERNAME_MAX_LENGTH] if isinstance(username, str) else username
