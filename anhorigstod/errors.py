"""The app's own error answers: Swedish (English when chosen), in the app's look, no third parties.

400, 403 and 404 are Django's own views rendering our templates. A server error is rendered here:
when its cause is that the database cannot be reached, the honest answer is 503 (nothing was saved,
try again), not 500. Both are rendered without the request's context processors, so neither needs
the database (no user, no session) to render.
"""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

# The database is away (restarting, failed over, unreachable): try again in this many seconds.
RETRY_AFTER_SECONDS = 10


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether an exception means the database could not be reached or answered, not a bug.

    psycopg's connection failures arrive as Django's OperationalError or InterfaceError; a query
    cancelled by a server shutting down is an OperationalError too.
    """
    return isinstance(exc, OperationalError | InterfaceError) or (
        isinstance(exc, DatabaseError) and "connection" in str(exc).lower()
    )


def _render(request, template: str, status: int) -> HttpResponse:
    context = {"request_id": getattr(request, "request_id", "")}
    response = HttpResponse(loader.get_template(template).render(context), status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@requires_csrf_token
def server_error(request):
    """handler500: 503 when the database is unavailable, else the 500 page."""
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        return _render(request, "503.html", 503)
    return _render(request, "500.html", 500)
