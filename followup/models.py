"""Precomputed follow-up figures, so that dashboards stay fast at millions of contacts."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from districts.models import District


class FigureSnapshot(models.Model):
    """``district_figures`` of one district for one standard period and target group, precomputed.

    A cache of the selector's output, never a second definition: rebuilt from the same function.
    An empty ``target_group`` means all target groups.
    """

    period_key = models.CharField(_("period"), max_length=20)
    target_group = models.CharField(_("target group"), max_length=40, blank=True)
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.CASCADE, related_name="+")
    figures = models.JSONField(_("figures"))
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("figure snapshot")
        verbose_name_plural = _("figure snapshots")
        constraints = [
            models.UniqueConstraint(fields=["period_key", "target_group", "district"], name="one_snapshot_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.period_key} {self.target_group or '*'} {self.district_id}"


class StaleMonth(models.Model):
    """A district's month whose figures changed since they were last precomputed."""

    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    marked_at = models.DateTimeField(_("marked"), auto_now=True)

    class Meta:
        verbose_name = _("stale month")
        verbose_name_plural = _("stale months")
        constraints = [models.UniqueConstraint(fields=["district", "month"], name="one_mark_per_month")]

    def __str__(self) -> str:
        return f"{self.district_id} {self.month:%Y-%m}"
