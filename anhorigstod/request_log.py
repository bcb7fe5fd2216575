"""A request id on every request and log record, one log line per request, and the JSON log format.

RequestLogMiddleware (outermost in MIDDLEWARE) takes the id from the proxy's X-Request-ID when it is
a sane value, else makes a new one, and sends it back on the response. While the request runs the
id sits in a context variable, so every record logged meanwhile carries it (RequestContextFilter, on
the console handler in settings.LOGGING); when the request ends, one line says what was asked and
answered. Users appear by id only: no name, user name or caregiver label is ever logged, and paths
are logged without their query string (a search for a caregiver's name lives there).
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.functional import LazyObject, empty
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

logger = logging.getLogger("anhorigstod.request")

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's or client's id may look like to be taken over: a uuid, a hex or base64url token.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    request: HttpRequest


_current: ContextVar[RequestContext | None] = ContextVar("anhorigstod_request", default=None)


def current_request_id() -> str | None:
    context = _current.get()
    return context.request_id if context else None


def current_user_id() -> int | None:
    context = _current.get()
    return known_user_id(context.request) if context else None


def known_user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id if the request has already loaded its user.

    Never loads it: a log line must not cost a query (nor fail when the database is down).
    """
    user = request.__dict__.get("user")
    if isinstance(user, LazyObject):
        user = None if user._wrapped is empty else user._wrapped
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


def _request_id(request: HttpRequest) -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if _SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


class RequestLogMiddleware:
    """Gives the request its id and logs one line when it ends, whatever answered it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = _request_id(request)
        request.request_id = request_id
        token = _current.set(RequestContext(request_id=request_id, request=request))
        started = time.perf_counter()
        status = 500  # unless a response comes back: an exception no middleware turned into one
        try:
            response = self.get_response(request)
            status = response.status_code
            response[REQUEST_ID_HEADER] = request_id
            return response
        finally:
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            logger.log(
                logging.WARNING if status >= 500 else logging.INFO,
                "%s %s %s %s ms",
                request.method,
                request.path,
                status,
                duration_ms,
                extra={"method": request.method, "path": request.path, "status": status, "duration_ms": duration_ms},
            )
            _current.reset(token)


class RequestContextFilter(logging.Filter):
    """Adds the current request's id and user id, or the running Celery task's id and name."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _current.get()
        request = getattr(record, "request", None)
        if context is None and isinstance(request, HttpRequest) and hasattr(request, "request_id"):
            # Django logs a 4xx or 5xx answer after the middleware has returned, passing the request.
            context = RequestContext(request_id=request.request_id, request=request)
        if context is not None:
            if getattr(record, "request_id", None) is None:
                record.request_id = context.request_id
            if getattr(record, "user_id", None) is None:
                record.user_id = known_user_id(context.request)
            return True
        task = _current_task()
        if task is not None and getattr(record, "task_id", None) is None:
            record.task_id = task.request.id
            record.task_name = task.name
        return True


def _current_task():
    from celery import current_task

    return current_task if current_task and current_task.request.id else None


# Extra values a JSON line may carry as they are; any other object is left out rather than written
# through str(), which for a request would include its query string.
_PLAIN = (str, int, float, bool, type(None))


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, then the extras.

    The request line's extras are request_id, user_id, method, path, status and duration_ms; other
    records during a request carry request_id and user_id; a worker's records task_id and task_name.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        super().__init__(*args, **kwargs)

    def process_log_record(self, log_data):
        kept = {name: value for name, value in log_data.items() if name == "time" or _plain(value)}
        return {"time": kept.pop("time", None), **kept}


def _plain(value) -> bool:
    if isinstance(value, list | tuple):
        return all(isinstance(item, _PLAIN) for item in value)
    return isinstance(value, _PLAIN)


def worker_logs_as_json(logger: logging.Logger) -> None:
    """With LOG_FORMAT=json, a Celery worker's (or beat's) handlers write JSON lines too.

    Connected to Celery's after_setup_logger and after_setup_task_logger signals (anhorigstod.celery).
    """
    from django.conf import settings

    if settings.LOG_FORMAT != "json":
        return
    for handler in logger.handlers:
        handler.setFormatter(JsonFormatter())
        handler.addFilter(RequestContextFilter())
