"""The precomputed figures, so that dashboards stay fast at millions of contacts.

The tables keep the names they had under the follow-up app (``db_table``): the models moved here, the
rows did not.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from districts.models import District


class SnapshotSection(models.TextChoices):
    """Which selector a snapshot caches (see ``figures.registry``)."""

    FIGURES = "figures", _("Follow-up figures")
    OUTCOMES = "outcomes", _("Outcome measures")
    OFFERS = "offers", _("Support contacts offered")


class FigureSnapshot(models.Model):
    """A selector's figures of one district for one standard period, precomputed: ``district_figures``
    per target group (section FIGURES); ``outcome_figures`` and the support contacts offered
    (sections OUTCOMES and OFFERS, all target groups).

    A cache of the selector's output, never a second definition: rebuilt from the same function.
    An empty ``target_group`` means all target groups.
    """

    section = models.CharField(
        _("section"), max_length=20, choices=SnapshotSection.choices, default=SnapshotSection.FIGURES
    )
    period_key = models.CharField(_("period"), max_length=20)
    target_group = models.CharField(_("target group"), max_length=40, blank=True)
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.CASCADE, related_name="+")
    figures = models.JSONField(_("figures"))
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        db_table = "followup_figuresnapshot"  # kept from when the follow-up app held it
        verbose_name = _("figure snapshot")
        verbose_name_plural = _("figure snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["section", "period_key", "target_group", "district"], name="one_snapshot_per_section_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section} {self.period_key} {self.target_group or '*'} {self.district_id}"


class CitySnapshot(models.Model):
    """``city_figures`` of one standard period, precomputed: the city as one, what its districts'
    figures can't be added up to (a caregiver met in two districts is one caregiver, their offer one offer)."""

    period_key = models.CharField(_("period"), max_length=20, unique=True)
    figures = models.JSONField(_("figures"))
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        db_table = "followup_citysnapshot"
        verbose_name = _("city snapshot")
        verbose_name_plural = _("city snapshots")

    def __str__(self) -> str:
        return self.period_key


class StaleMonth(models.Model):
    """A district's month whose figures changed since they were last precomputed."""

    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    marked_at = models.DateTimeField(_("marked"), auto_now=True)

    class Meta:
        db_table = "followup_stalemonth"
        verbose_name = _("stale month")
        verbose_name_plural = _("stale months")
        constraints = [models.UniqueConstraint(fields=["district", "month"], name="one_mark_per_month")]

    def __str__(self) -> str:
        return f"{self.district_id} {self.month:%Y-%m}"
