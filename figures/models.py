"""The facts the figures are summed from, so that any range is fast at millions of contacts.

Figures are never stored per period: the precomputed snapshots (FigureSnapshot, CitySnapshot) and
their stale marks went once the facts made every range a sum of a few cells (migration 0004).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from districts.models import District


class SnapshotSection(models.TextChoices):
    """The registered sections of figures (see ``figures.registry``)."""

    FIGURES = "figures", _("Follow-up figures")
    OUTCOMES = "outcomes", _("Outcome measures")
    OFFERS = "offers", _("Support contacts offered")


class Grain(models.TextChoices):
    """How long a fact's cell lasts: a range is summed from the fewest cells that tile it."""

    DAY = "d", _("day")
    MONTH = "m", _("month")
    YEAR = "y", _("year")


class OccasionFact(models.Model):
    """The occasions of one district in one cell: a day, a month or a year, one target group, and one
    key of a dimension (the empty dimension is the cell's total). Kept in the transaction that writes
    the occasions (``figures.facts``), so a range's figures are a sum of a few cells at any size.

    ``caregivers`` is the exact set of caregivers met in the cell, as a serialized roaring bitmap of
    their ids: unique caregivers of any range, any set of districts (a network, a municipality) and any
    set of target groups are the size of a union. No approximate counting: these are official figures.
    """

    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.CASCADE, related_name="+")
    grain = models.CharField(_("grain"), max_length=1, choices=Grain.choices)
    start = models.DateField(_("first day"))
    target_group = models.CharField(_("target group"), max_length=40)
    dimension = models.CharField(_("dimension"), max_length=10, blank=True)
    key = models.CharField(_("key"), max_length=60, blank=True)
    contacts = models.PositiveIntegerField(_("contacts"), default=0)
    minutes = models.PositiveBigIntegerField(_("minutes"), default=0)
    anonymous = models.PositiveIntegerField(_("anonymous contacts"), default=0)
    caregivers = models.BinaryField(_("caregivers"), default=bytes)

    class Meta:
        verbose_name = _("occasion fact")
        verbose_name_plural = _("occasion facts")
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "start", "district", "target_group", "dimension", "key"], name="one_fact_per_cell"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district_id} {self.grain}{self.start} {self.target_group} {self.dimension}={self.key}"


class CaregiverAttributeFact(models.Model):
    """The caregivers sharing one value of one attribute (gender, age band...), as a roaring bitmap of
    their ids: the breakdown of any range's unique caregivers is the size of an intersection."""

    attribute = models.CharField(_("attribute"), max_length=30)
    value = models.CharField(_("value"), max_length=60)
    caregivers = models.BinaryField(_("caregivers"), default=bytes)

    class Meta:
        verbose_name = _("caregiver attribute fact")
        verbose_name_plural = _("caregiver attribute facts")
        constraints = [models.UniqueConstraint(fields=["attribute", "value"], name="one_fact_per_attribute_value")]

    def __str__(self) -> str:
        return f"{self.attribute}={self.value}"


class FactsVersion(models.Model):
    """Which transaction last changed a district's facts (its id, ``pg_current_xact_id``), written in
    that transaction: equal versions mean equal facts, so figures summed from a district's facts can be
    kept under its version (``figures.moment_cache.kept_per_district``). PostgreSQL only: the embedded
    SQLite keeps no figures."""

    district = models.OneToOneField(
        District, verbose_name=_("district"), on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.BigIntegerField(_("version"))

    class Meta:
        verbose_name = _("facts version")
        verbose_name_plural = _("facts versions")

    def __str__(self) -> str:
        return f"{self.district_id}@{self.version}"
