"""Goals per district and year, and city-wide ones: bound to a computed figure, or assessed by hand."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import DistrictScopedQuerySet
from districts.models import District, Municipality
from interventions.models import InterventionType

# Goals are followed up from the 2018 mapping on; a few years ahead may be planned.
FIRST_YEAR = 2018
YEARS_AHEAD = 5
# A count target above this is a typing error, not a plan (Stockholm reaches some thousand caregivers).
MAX_COUNT_TARGET = 1_000_000


class Measure(models.TextChoices):
    """What a goal is measured by: a figure the system computes, or the manager's own assessment."""

    CAREGIVERS_REACHED = "caregivers_reached", _("Unique caregivers reached in the year")
    TALKS_SCORED_SHARE = "talks_scored_share", _("Share of guidance talks followed up with an outcome score")
    DESCRIPTIONS_SHARE = "descriptions_share", _("Share of consultants with a current assignment description")
    COMPONENTS_OFFERED = "components_offered", _("Base-level components offered")
    SUPPORT_CONTACTS_OFFERED = "support_contacts_offered", _("Support contacts offered in the year")
    BY_HAND = "by_hand", _("Assessed by hand")


class Unit(models.TextChoices):
    COUNT = "count", _("number")
    PERCENT = "percent", _("per cent")


# Each computed measure's unit. A count goal is met as soon as the figure reaches the target; a
# share can fall again, so it is settled only when the year is over.
MEASURE_UNITS: dict[str, str] = {
    Measure.CAREGIVERS_REACHED: Unit.COUNT,
    Measure.TALKS_SCORED_SHARE: Unit.PERCENT,
    Measure.DESCRIPTIONS_SHARE: Unit.PERCENT,
    Measure.COMPONENTS_OFFERED: Unit.COUNT,
    Measure.SUPPORT_CONTACTS_OFFERED: Unit.COUNT,
}


class Status(models.TextChoices):
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    IN_PROGRESS = "in_progress", _("In progress")


class Goal(models.Model):
    """A measurable goal of a district (or, without a district, of the whole city) for one year."""

    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="goals",
        help_text=_("Empty for a city-wide goal."),
    )
    # blank: a district's goal takes its district's municipality in clean(); only a goal of the whole
    # municipality names its own (set by the form or service from the user who sets it).
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="goals",
        blank=True,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("goal"), max_length=200)
    measure = models.CharField(_("measured by"), max_length=30, choices=Measure.choices)
    target = models.PositiveIntegerField(
        _("target"),
        null=True,
        blank=True,
        help_text=_("A number, or a percentage for a share. Empty for a goal assessed by hand."),
    )
    assessed_status = models.CharField(
        _("status (assessed by hand)"),
        max_length=20,
        choices=Status.choices,
        blank=True,
        help_text=_("Only for a goal assessed by hand; the others are worked out from the figures."),
    )
    comment = models.TextField(
        _("comment"), blank=True, help_text=_("Required for a goal assessed by hand: what the assessment rests on.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = DistrictScopedQuerySet.as_manager()
    district_scope_paths = ("district",)
    # City-wide goals concern every district: everyone sees them (only strategists change them).
    district_scope_includes_shared = True

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["-year", "district__name", "title", "pk"]
        indexes = [models.Index(fields=["year", "district"], name="goal_year_district")]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    @property
    def is_city_wide(self) -> bool:
        return self.district_id is None

    @property
    def is_by_hand(self) -> bool:
        return self.measure == Measure.BY_HAND

    @property
    def unit(self) -> str | None:
        return MEASURE_UNITS.get(self.measure)

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.district_id is not None:
            self.municipality_id = self.district.municipality_id
        elif self.municipality_id is None:
            errors["district"] = ValidationError(_("Choose the district the goal is for."))
        last = timezone.localdate().year + YEARS_AHEAD
        if self.year is not None and not FIRST_YEAR <= self.year <= last:
            errors["year"] = ValidationError(
                _("Give a year from %(first)d to %(last)d."), params={"first": FIRST_YEAR, "last": last}
            )
        if self.is_by_hand:
            if self.target is not None:
                errors["target"] = ValidationError(_("A goal assessed by hand has no target; leave it empty."))
            if not self.assessed_status:
                errors["assessed_status"] = ValidationError(_("Say whether the goal is met, not met or in progress."))
            if not self.comment.strip():
                errors["comment"] = ValidationError(_("Say what the assessment rests on."))
        elif self.measure:
            if self.assessed_status:
                errors["assessed_status"] = ValidationError(
                    _("The status of a measured goal is worked out from the figures; leave it empty.")
                )
            target_error = self._target_error()
            if target_error:
                errors["target"] = target_error
        if errors:
            raise ValidationError(errors)

    def _target_error(self) -> ValidationError | None:
        if self.target is None:
            return ValidationError(_("Give the target the figure should reach."))
        if self.unit == Unit.PERCENT and not 1 <= self.target <= 100:
            return ValidationError(_("A share's target is a percentage from 1 to 100."))
        if self.unit == Unit.COUNT and not 1 <= self.target <= MAX_COUNT_TARGET:
            return ValidationError(_("Give a target from 1 to %(max)d."), params={"max": MAX_COUNT_TARGET})
        if self.measure == Measure.COMPONENTS_OFFERED:
            components = InterventionType.objects.count()
            if self.target > components:
                return ValidationError(
                    _("The base level has %(n)d components; the target cannot be higher."), params={"n": components}
                )
        return None
