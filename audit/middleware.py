"""The audit log's actor and address for each request."""

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from axes.helpers import get_client_ip_address


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's middleware, reading the client's address the way the login lockout does.

    auditlog trusts the first X-Forwarded-For entry, which any client can write; the lockout's
    reading (django-ipware with TRUSTED_PROXY_COUNT) counts only the proxies we run.
    """

    @staticmethod
    def _get_remote_addr(request):
        return get_client_ip_address(request)

    @staticmethod
    def _get_remote_port(request) -> None:
        # The client's port says nothing about who acted; a forwarded one can't be trusted anyway.
        return None
