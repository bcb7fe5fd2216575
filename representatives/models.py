"""The register of caregiver representatives (anhörigombud) in the care units, and their trainings."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scoping import DistrictScopedQuerySet
from districts.models import District, Network, TargetGroup

# How long a training holds before the representative needs a refresher, unless set by hand.
REFRESHER_INTERVAL_MONTHS = 12


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by whole months, on the month's last day where the day does not exist (31 Jan → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last_day))


def default_next_refresher(trained_on: datetime.date) -> datetime.date:
    return add_months(trained_on, REFRESHER_INTERVAL_MONTHS)


class UnitKind(models.TextChoices):
    """The kind of care unit a representative works in."""

    CARE_HOME = "care_home", _("Care home")
    HOME_CARE = "home_care", _("Home care")
    DAY_CARE = "day_care", _("Day care or day activity")
    SERVICE_HOUSING = "service_housing", _("Service housing")
    LSS_HOUSING = "lss_housing", _("LSS housing")
    OTHER = "other", _("Other unit")


class TrainingKind(models.TextChoices):
    INITIAL = "initial", _("Initial training")
    REFRESHER = "refresher", _("Refresher")


def active_on(day: datetime.date) -> models.Q:
    """Representatives still in the role on ``day``: not ended, or ended after it."""
    return models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=day)


class Representative(models.Model):
    """A caregiver representative (anhörigombud): a member of a care unit's staff who is the unit's
    contact for caregivers and for the district's caregiver support.

    Kept with the least personal data the register needs: a label the district recognises (for
    example a role or initials), never a full name or a personal identity number.
    """

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="representatives"
    )
    unit_kind = models.CharField(_("kind of unit"), max_length=30, choices=UnitKind.choices)
    unit_name = models.CharField(_("unit"), max_length=150)
    label = models.CharField(
        _("label"),
        max_length=40,
        help_text=_("A short label the district recognises, e.g. initials or a role; no full name."),
    )
    target_group = models.CharField(_("target group"), max_length=40, choices=TargetGroup.choices)
    trained_on = models.DateField(_("trained on"), null=True, blank=True, help_text=_("Empty if not yet trained."))
    next_refresher = models.DateField(
        _("next refresher"),
        null=True,
        blank=True,
        help_text=_("Leave empty for 12 months after the training."),
    )
    ended_on = models.DateField(
        _("ended on"), null=True, blank=True, help_text=_("When the representative left the role; empty while active.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DistrictScopedQuerySet.as_manager()
    district_scope_paths = ("district",)

    class Meta:
        verbose_name = _("caregiver representative")
        verbose_name_plural = _("caregiver representatives (register)")
        ordering = ["unit_name", "label"]
        constraints = [
            models.UniqueConstraint(fields=["district", "unit_name", "label"], name="unique_representative_label"),
        ]

    def __str__(self) -> str:
        return f"{self.label}, {self.unit_name}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    def clean(self) -> None:
        errors = {}
        if self.next_refresher and self.trained_on and self.next_refresher <= self.trained_on:
            errors["next_refresher"] = _("The next refresher must come after the training.")
        if self.next_refresher and not self.trained_on:
            errors["next_refresher"] = _("Set when the representative was trained first.")
        if self.ended_on and self.trained_on and self.ended_on < self.trained_on:
            errors["ended_on"] = _("The end date must not be before the training.")
        if errors:
            raise ValidationError(errors)


class RepresentativeTraining(models.Model):
    """A training held for caregiver representatives, by one district or for a network's districts."""

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=TrainingKind.choices)
    title = models.CharField(_("title"), max_length=150)
    districts = models.ManyToManyField(District, verbose_name=_("districts"), related_name="representative_trainings")
    network = models.ForeignKey(
        Network,
        verbose_name=_("network"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="representative_trainings",
        help_text=_("If the network's districts held the training together."),
    )
    representatives = models.ManyToManyField(
        Representative, verbose_name=_("representatives trained"), blank=True, related_name="trainings"
    )
    participants = models.PositiveSmallIntegerField(
        _("participants"),
        validators=[MaxValueValidator(1000)],
        help_text=_("Everyone who took part, the registered representatives included."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = DistrictScopedQuerySet.as_manager()
    district_scope_paths = ("districts",)

    class Meta:
        verbose_name = _("training of caregiver representatives")
        verbose_name_plural = _("trainings of caregiver representatives")
        ordering = ["-date", "title"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"
