"""The benchmark of municipalities: what each publishes, and the figures of those that log elsewhere."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from districts.models import Municipality

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class ReachUnit(models.TextChoices):
    """What a municipality's own figure of reach counts, as far as its report says."""

    OCCASIONS = "occasions", _("contact occasions")
    PERSONS = "persons", _("persons")


class PublishedFigures(models.Model):
    """A municipality's figures for a year as it published them itself (report 003's table): self-reported,
    on definitions of its own that nobody knows, so shown apart and never mixed into a median."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="published_figures"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    source = models.CharField(_("source"), max_length=200, help_text=_("Where the figures were published."))
    inhabitants = models.PositiveIntegerField(_("inhabitants, as published"), null=True, blank=True)
    staff = models.CharField(_("staff, as published"), max_length=200, blank=True)
    staff_fte = models.DecimalField(
        _("full-time posts"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("The staff as full-time posts, where the published text says (0.5 for one post at 50%)."),
    )
    reach = models.CharField(_("reach, as published"), max_length=200, blank=True)
    reach_count = models.PositiveIntegerField(_("reach, the number"), null=True, blank=True)
    reach_unit = models.CharField(_("reach counts"), max_length=20, choices=ReachUnit.choices, blank=True)
    cost_sek = models.PositiveIntegerField(_("cost (SEK per year)"), null=True, blank=True)
    cost = models.CharField(
        _("cost, as published"), max_length=200, blank=True, help_text=_("The report's own words, where not a number.")
    )
    # The published breakdown where there is one (Nacka's contacts by role and channel), as published.
    detail = models.JSONField(_("breakdown, as published"), default=dict, blank=True)

    class Meta:
        verbose_name = _("published figures")
        verbose_name_plural = _("published figures")
        ordering = ["-year", "municipality__name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="published_figures_once_a_year"),
        ]
        permissions = [
            ("view_benchmark", _("Can view the benchmark of municipalities")),
            ("publish_benchmark", _("Can publish the municipality's figures to the benchmark")),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}"


class BenchmarkPublication(models.Model):
    """A municipality's choice to publish its figures of a year to the benchmark, with who chose and when.

    Withdrawing keeps the row (who withdrew and when) and takes the figures out of every benchmark and
    report compiled from then on; publishing again is a new row. At most one row of a municipality's
    year is in force.
    """

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="benchmark_publications"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("publication to the benchmark")
        verbose_name_plural = _("publications to the benchmark")
        ordering = ["-year", "-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"],
                condition=Q(withdrawn_at__isnull=True),
                name="benchmark_publication_one_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}"
