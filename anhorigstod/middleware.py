import logging
import time

from django.conf import settings
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from .errors import database_unavailable

logger = logging.getLogger(__name__)


class SwedishFirstLocaleMiddleware(LocaleMiddleware):
    """Swedish unless the user chose another language with the switch.

    Django's own middleware follows the browser's Accept-Language, which would show English to
    staff whose browsers happen to be set up in English; the city's working language is Swedish.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class PermissionsPolicyMiddleware:
    """Send a Permissions-Policy header (settings.PERMISSIONS_POLICY) on every response.

    The app needs no camera, microphone, location, payment or other powerful browser feature; saying
    so means an injected script or a framed page cannot ask the staff's browser for them either.
    Django's SecurityMiddleware sends the other security headers but not this one.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        policy = getattr(settings, "PERMISSIONS_POLICY", {})
        self.header = ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


# Where a session keeps when it was last renewed (seconds since the epoch).
RENEWED_AT = "_renewed_at"


class OutageTolerantSessionMiddleware(SessionMiddleware):
    """Django's session middleware, renewing a signed-in session at most once a minute, and not letting
    a renewal lost to a database outage replace the view's answer.

    A session ends SESSION_COOKIE_AGE after its last renewal, so it ends after that long without a
    request (give or take SESSION_RENEW_SECONDS). Renewing on every request (Django's
    SESSION_SAVE_EVERY_REQUEST) would write the database on every read, and a page of figures is
    served again only while nothing was written (``figures.moment_cache``).

    When the database drops between the view and that save, Django reports "the session was deleted"
    (SessionInterrupted, a 400), although the view's work may be committed: a contact saved would be
    shown as a request that "could not be read". The view's answer is the truth, so it is kept; only
    the session's renewal is lost. A session really deleted meanwhile (a logout in another tab) still
    gets Django's 400.
    """

    def process_response(self, request, response):
        self._renew_when_due(request)
        try:
            return super().process_response(request, response)
        except SessionInterrupted as exc:
            if not any(database_unavailable(cause) for cause in _causes(exc)):
                raise
            logger.warning("Session not renewed: the database went away after %s %s answered", request.method,
                           request.path)  # fmt: skip
            return response

    @staticmethod
    def _renew_when_due(request) -> None:
        session = getattr(request, "session", None)
        # Only a session that exists and holds something: an anonymous visitor gets none made.
        if session is None or session.session_key is None or session.modified or session.is_empty():
            return
        now = int(time.time())
        if now - session.get(RENEWED_AT, 0) >= settings.SESSION_RENEW_SECONDS:
            session[RENEWED_AT] = now  # modified: saved, with a new expiry and cookie


def _causes(exc: BaseException):
    seen = exc.__cause__ or exc.__context__
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__
