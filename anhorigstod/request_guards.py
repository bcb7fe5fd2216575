"""Hostile requests answered with 400 before any form sees them (issue 15).

Two kinds of request used to hold or crash a worker:

- A body or query string in a character set Django cannot decode it with. A form POST declaring
  ``charset=utf-16`` makes Django raise BadRequest when CSRF first reads ``request.POST``; the 400
  handler then reads ``request.POST`` again (``requires_csrf_token``), gets the same exception and
  ends in a 500. A charset Python knows but that is no text encoding (``rot13``, ``base64``) or that
  cannot decode ASCII (``punycode``) fails with LookupError or UnicodeError, on GET too.
- A formset's management form asking for absurd numbers of forms: ``allocations-TOTAL_FORMS=
  99999999999999999999999`` makes Django build ``absolute_max`` (2,000) inline forms, each with its
  choice queries, and render them all again with the errors.

The middleware sits right after WhiteNoise, before sessions and CSRF: it parses the body itself,
turns every failure into Django's BadRequest or SuspiciousOperation (so handler400 renders the app's
own 400 page), and leaves the request's GET and POST empty so nothing reading them afterwards meets
the failure again. A refused request costs no database query.

Some Content-Types fail already while Django builds the request, before any middleware: an RFC 2231
parameter naming an unknown charset (``charset*=bogus''x``), or ``charset=rot13`` with a query
string. ``GuardedWSGIHandler`` (used by ``anhorigstod.wsgi``) builds such requests anyway, marked
unreadable, and this middleware refuses them.
"""

from __future__ import annotations

import codecs
import functools
import re

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.forms.formsets import (
    DEFAULT_MAX_NUM,
    INITIAL_FORM_COUNT,
    MAX_NUM_FORM_COUNT,
    MIN_NUM_FORM_COUNT,
    TOTAL_FORM_COUNT,
)
from django.http import QueryDict
from django.http.multipartparser import MultiPartParserError

from .middleware import SwedishFirstLocaleMiddleware

# The most forms any formset of the app really posts. The largest is the admin's changelist with
# editable columns (the intervention types' positions) under "show all": Django's list_max_show_all,
# 200 rows. Inlines post their existing rows plus the ones added by hand, far fewer: a district's
# offerings are at most its intervention types times the target groups (10 x 5 in Stockholm's data),
# a consultant's allocations at most the districts times the target groups. The app's own pages have
# no formsets. test_hostile_input checks the admin's changelists against this number.
MAX_FORMSET_FORMS = 200

# What the management form may say. TOTAL and INITIAL are the numbers of forms Django builds. MIN and
# MAX only tell the browser's "add another" script the formset's limits (Django never builds forms
# from them); Django renders MAX as 1,000 (DEFAULT_MAX_NUM) for every formset without a max_num.
FORMSET_COUNT_LIMITS = {
    TOTAL_FORM_COUNT: MAX_FORMSET_FORMS,
    INITIAL_FORM_COUNT: MAX_FORMSET_FORMS,
    MIN_NUM_FORM_COUNT: DEFAULT_MAX_NUM,
    MAX_NUM_FORM_COUNT: DEFAULT_MAX_NUM,
}
_MANAGEMENT_FIELD = re.compile(r"(?:\A|-)(" + "|".join(FORMSET_COUNT_LIMITS) + r")\Z")
# Plain ASCII digits, short enough that int() is cheap (Python refuses 4,300 digits and more).
_PLAIN_COUNT = re.compile(r"\A[0-9]{1,7}\Z")

# Form data is ASCII (percent-encoded, or multipart's boundaries and headers): a charset that does not
# read ASCII as ASCII (UTF-16, UTF-32, EBCDIC, UTF-7, the escape codecs) cannot decode it. The
# backslash escapes come first, so an escape codec fails before it warns about the rest.
_ASCII_PROBE = b"\\x\\u" + bytes(range(128))
# Django decodes an urlencoded body as UTF-8 only and refuses any other declared charset.
_URLENCODED = "application/x-www-form-urlencoded"

# What parsing a body or query string raises on input it cannot read, besides Django's BadRequest and
# SuspiciousOperations (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent): UnicodeError and
# LookupError from codecs, ValueError from parsers, MultiPartParserError.
_UNREADABLE = (UnicodeError, LookupError, ValueError, MultiPartParserError)


class GuardedWSGIRequest(WSGIRequest):
    """A request Django fails to build from its Content-Type is built anyway, and marked unreadable.

    Building a request fails before any middleware when the Content-Type names a charset in RFC 2231
    form that Python does not know (ValueError), or a charset Python cannot decode the query string
    with (``rot13``, ``punycode``: Django parses the query string while setting the encoding).
    """

    unreadable_content_type = False

    def _set_content_type_params(self, meta):
        try:
            super()._set_content_type_params(meta)
        except (ValueError, LookupError, UnicodeError):
            self.unreadable_content_type = True
            self._encoding = None
            self.__dict__.pop("GET", None)
            if getattr(self, "content_params", None) is None:  # the header itself failed to parse
                self.content_type, self.content_params = "", {}


class GuardedWSGIHandler(WSGIHandler):
    request_class = GuardedWSGIRequest


def get_guarded_wsgi_application() -> GuardedWSGIHandler:
    """Like django.core.wsgi.get_wsgi_application, with requests that survive any Content-Type."""
    import django

    django.setup(set_prefix=False)
    return GuardedWSGIHandler()


@functools.lru_cache(maxsize=64)
def _codec_name(charset: str) -> str | None:
    """The codec's name when the charset decodes form data (ASCII) faithfully, else None."""
    try:
        if _ASCII_PROBE.decode(charset) != _ASCII_PROBE.decode("ascii"):
            return None
        # Django decodes what is not ASCII with errors="replace", which some codecs (IDNA) refuse.
        b"\xc3\xa9\xff".decode(charset, "replace")
        return codecs.lookup(charset).name
    except (LookupError, UnicodeError, ValueError, TypeError):
        return None


def refuse_undecodable_charset(request) -> None:
    """Refuse a declared charset the request's body or query string cannot be decoded with.

    A UTF-8 alias ("UTF8", "utf_8") is accepted as UTF-8: Django itself takes only the exact name.
    """
    if getattr(request, "unreadable_content_type", False):
        raise BadRequest("The Content-Type header names an unknown character set.")
    if "charset" not in request.content_params:
        return
    name = _codec_name(request.content_params["charset"].strip().lower())
    if name is None:
        raise BadRequest("The request's character set cannot decode form data.")
    if request.content_type == _URLENCODED:
        if name != "utf-8":
            raise BadRequest("A form's urlencoded data must be UTF-8.")
        request.encoding = "utf-8"


def refuse_absurd_formset_counts(data: QueryDict) -> None:
    """Refuse a management form whose counts are not plain integers within the limits."""
    for key, values in data.lists():
        match = _MANAGEMENT_FIELD.search(key)
        if match is None:
            continue
        limit = FORMSET_COUNT_LIMITS[match[1]]
        for value in values:
            if not _PLAIN_COUNT.match(value) or int(value) > limit:
                raise BadRequest("A formset's management form asks for an impossible number of forms.")


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # Refused before the locale middleware runs: the 400 page still speaks the chosen language.
        self.language = SwedishFirstLocaleMiddleware(get_response)

    def __call__(self, request):
        try:
            self.check(request)
        except (BadRequest, SuspiciousOperation):
            self._forget_data(request)
            self.language.process_request(request)
            raise
        return self.get_response(request)

    def check(self, request) -> None:
        try:
            refuse_undecodable_charset(request)
            request.GET  # noqa: B018 (parsed here, where a failure is a 400)
            if request.method == "POST":
                request.POST  # noqa: B018
                request.FILES  # noqa: B018
        except (BadRequest, SuspiciousOperation):
            # Django's own: a body too large or with too many fields goes to the django.security log.
            raise
        except _UNREADABLE as exc:
            raise BadRequest(f"The request's data cannot be read: {exc.__class__.__name__}.") from exc
        if request.method == "POST":
            refuse_absurd_formset_counts(request.POST)

    @staticmethod
    def _forget_data(request) -> None:
        # The 400 handler (requires_csrf_token) and the error page read GET and POST again: give them
        # empty ones instead of the data that failed (Django does the same for a body too large). Not
        # through request.encoding, whose setter parses the query string again.
        request.GET = QueryDict()
        request._mark_post_parse_error()
