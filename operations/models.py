"""Rows that keep the service honest: one submission per rendered form, and who is alive."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionToken(models.Model):
    """A form submission that created something, keyed by the one-time token of the rendered form.

    The unique token is what makes a second press of the same form (a double Enter, a reload of the
    POST, a retry after a lost answer) create nothing: the second INSERT waits for the first
    transaction and then fails, and the second request answers with the first one's redirect and
    messages, stored here.
    """

    token = models.UUIDField(_("token"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    path = models.CharField(_("path"), max_length=200)
    location = models.CharField(_("redirected to"), max_length=2000, blank=True)
    # [[level, text, extra_tags], ...]: the messages the first answer carried, in the user's language.
    messages = models.JSONField(_("messages"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return f"{self.path} {self.created_at:%Y-%m-%d %H:%M}"


class HeartbeatKind(models.TextChoices):
    WORKER = "worker", _("worker")
    BEAT = "beat", _("scheduler (beat)")


class Heartbeat(models.Model):
    """The last sign of life of a Celery worker or of beat, written every few seconds by the process."""

    kind = models.CharField(_("kind"), max_length=10, choices=HeartbeatKind.choices)
    name = models.CharField(_("name"), max_length=200, help_text=_("Host name and process id."))
    started_at = models.DateTimeField(_("started"))
    beat_at = models.DateTimeField(_("last heartbeat"), db_index=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="heartbeat_kind_name_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"
