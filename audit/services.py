"""Writes to the audit log that auditlog does not make by itself."""

from auditlog.signals import accessed
from django.db import models


def record_access(instance: models.Model) -> None:
    """Log that the request's user (set by AuditlogMiddleware) viewed ``instance``."""
    accessed.send(sender=type(instance), instance=instance)
