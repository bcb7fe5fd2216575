"""Errors to Sentry when SENTRY_DSN is set, with nothing personal in them.

Started by the local and production settings (never by the tests' own). Sentry gets the exception,
its stack (code lines, no local variables), the URL path, the method, the request id (a tag, to
find the request's log lines) and the user's id. It never gets request bodies, cookies, query
strings (a search for a caregiver's name lives there), headers beyond a few harmless ones, the
values PostgreSQL quotes in an error's DETAIL, nor any breadcrumb's data (SQL parameters).
"""

from .request_log import REQUEST_ID_HEADER, current_request_id, current_user_id

_KEPT_HEADERS = frozenset({"host", "content-type", "content-length", REQUEST_ID_HEADER.lower()})
_PLAIN = (str, int, float, bool, type(None))


def sentry_start(*, dsn: str, environment: str) -> None:
    if not dsn:
        return
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=strip_personal_data,
    )


def strip_personal_data(event: dict, hint: dict) -> dict:
    """Sentry's before_send: keep what finds the bug, drop whatever could name a person."""
    request = event.get("request")
    if request:
        headers = request.get("headers") or {}
        event["request"] = {
            "url": request.get("url", ""),
            "method": request.get("method", ""),
            "headers": {name: value for name, value in headers.items() if name.lower() in _KEPT_HEADERS},
        }
    user_id = current_user_id()
    event["user"] = {"id": str(user_id)} if user_id is not None else {}
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    for exception in (event.get("exception") or {}).get("values") or []:
        if isinstance(exception.get("value"), str):
            # PostgreSQL's DETAIL quotes the row's values: "Key (name)=(Anna Andersson) already exists".
            exception["value"] = exception["value"].split("DETAIL:", 1)[0].rstrip()
    if "extra" in event:
        event["extra"] = {name: value for name, value in event["extra"].items() if isinstance(value, _PLAIN)}
    breadcrumbs = event.get("breadcrumbs")
    for crumb in breadcrumbs.get("values", []) if isinstance(breadcrumbs, dict) else breadcrumbs or []:
        crumb.pop("data", None)
    return event
