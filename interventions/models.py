from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scoping import DistrictScopedQuerySet
from districts.models import District, TargetGroup


class InterventionCategory(models.TextChoices):
    """The four parts of the base level proposed in report 000, chapter 4."""

    ADVICE_AND_GUIDANCE = "advice_and_guidance", _("Advice and guidance")
    INDIVIDUAL_TALKS = "individual_talks", _("Individual talks")
    KNOWLEDGE_AND_COMMUNITY = "knowledge_and_community", _("Knowledge and community")
    NEEDS_ASSESSED = "needs_assessed", _("Needs-assessed support")


class InterventionType(models.Model):
    """One component of the base level (basnivå), maintained by the strategists."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150, unique=True)
    category = models.CharField(_("category"), max_length=40, choices=InterventionCategory.choices)
    description = models.TextField(_("description"), blank=True)
    cap_min = models.PositiveSmallIntegerField(
        _("lowest cap per caregiver"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("For capped interventions: the lowest cap a district may set."),
    )
    cap_max = models.PositiveSmallIntegerField(
        _("highest cap per caregiver"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("For capped interventions: the highest cap a district may set."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("intervention type")
        verbose_name_plural = _("intervention types")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cap_min__isnull=True, cap_max__isnull=True)
                | models.Q(cap_min__isnull=False, cap_max__isnull=False, cap_min__lte=models.F("cap_max")),
                name="intervention_cap_range_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (self.cap_min is None) != (self.cap_max is None):
            raise ValidationError(_("Give both the lowest and the highest cap, or neither."))
        if self.cap_min is not None and self.cap_min > self.cap_max:
            raise ValidationError({"cap_max": _("The highest cap must not be lower than the lowest cap.")})


class DistrictOffering(models.Model):
    """A base-level component that a district offers to one target group."""

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.CASCADE, related_name="offerings"
    )
    target_group = models.CharField(_("target group"), max_length=40, choices=TargetGroup.choices)
    intervention_type = models.ForeignKey(
        InterventionType, verbose_name=_("intervention type"), on_delete=models.PROTECT, related_name="offerings"
    )

    objects = DistrictScopedQuerySet.as_manager()
    district_scope_paths = ("district",)

    class Meta:
        verbose_name = _("district offering")
        verbose_name_plural = _("district offerings")
        ordering = ["district__name", "target_group", "intervention_type__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "target_group", "intervention_type"], name="unique_district_offering"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district}: {self.intervention_type} ({self.get_target_group_display()})"
