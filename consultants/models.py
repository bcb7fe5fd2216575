from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scoping import DistrictScopedQuerySet
from districts.models import District, Municipality, TargetGroup
from districts.validity import InForceQuerySet, check_in_force, valid_range_constraint


class ConsultantRole(models.TextChoices):
    CONSULTANT = "consultant", _("Caregiver-support consultant")
    DEMENTIA_NURSE = "dementia_nurse", _("Dementia nurse")


class Method(models.Model):
    """A working method a consultant is trained in (MI, ORS, SRS, CRAFT, NKA's material)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("method")
        verbose_name_plural = _("methods")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Consultant(models.Model):
    """A caregiver-support consultant or dementia nurse, known by a pseudonymous reference."""

    ref = models.CharField(
        _("reference"), max_length=20, unique=True, help_text=_("A short reference such as K01; no names needed.")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultant",
    )
    role = models.CharField(_("role"), max_length=20, choices=ConsultantRole.choices, default=ConsultantRole.CONSULTANT)
    home_district = models.ForeignKey(
        District, verbose_name=_("home district"), on_delete=models.PROTECT, related_name="home_consultants"
    )
    employment_percent = models.PositiveSmallIntegerField(
        _("employment on caregiver support (%)"),
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Share of a full-time post spent on caregiver support."),
    )
    target_group = models.CharField(_("target group"), max_length=40, choices=TargetGroup.choices)
    methods = models.ManyToManyField(Method, verbose_name=_("methods"), blank=True, related_name="consultants")
    note = models.TextField(_("note"), blank=True)

    objects = DistrictScopedQuerySet.as_manager()
    # A consultant serving several districts is visible in each of them.
    district_scope_paths = ("home_district", "allocations__district")

    class Meta:
        verbose_name = _("consultant")
        verbose_name_plural = _("consultants")
        ordering = ["ref"]

    def __str__(self) -> str:
        if self.user_id and self.user.get_full_name():
            return f"{self.ref} {self.user.get_full_name()}"
        return self.ref


class Allocation(models.Model):
    """The share of a consultant's post that goes to one district and target group, from one day to
    another: a change of staffing is a new row, so a past period's figures per full-time post use the
    staffing of that period."""

    consultant = models.ForeignKey(
        Consultant, verbose_name=_("consultant"), on_delete=models.CASCADE, related_name="allocations"
    )
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="allocations"
    )
    target_group = models.CharField(_("target group"), max_length=40, choices=TargetGroup.choices)
    percent = models.PositiveSmallIntegerField(
        _("share of a full-time post (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("The last day in force; empty while it lasts.")
    )

    objects = InForceQuerySet.as_manager()
    district_scope_paths = ("district",)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["consultant__ref", "district__name", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultant", "district", "target_group", "valid_from"], name="unique_allocation"
            ),
            valid_range_constraint("allocation_valid_range"),
        ]

    def __str__(self) -> str:
        return f"{self.consultant}: {self.district} {self.percent} %"

    def clean(self) -> None:
        if not (self.consultant_id and self.district_id and self.target_group):
            return
        same = Allocation.objects.filter(
            consultant_id=self.consultant_id, district_id=self.district_id, target_group=self.target_group
        )
        check_in_force(
            self,
            same,
            _(
                "The consultant already has an allocation to this district and target group in "
                "these dates. End it the day before this one begins."
            ),
        )


class TaskKind(models.TextChoices):
    OPERATIVE = "operative", _("Operative")
    STRATEGIC = "strategic", _("Strategic")
    GENERAL = "general", _("General")


class AssignmentDescription(models.Model):
    """One version of an assignment description (uppdragsbeskrivning).

    A city-wide template has no district. A district adopts a template version, possibly with
    amendments, as a description of its own, which is then assigned to consultants.
    Versions of one document share a ``series``.
    """

    series = models.SlugField(
        _("document"), max_length=60, help_text=_("Versions of the same document share this identifier.")
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=200)
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignment_descriptions",
        help_text=_("Empty for the city-wide template."),
    )
    # blank: a district's description takes its district's municipality in clean(); a template names its own.
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="assignment_descriptions",
        blank=True,
    )
    target_group = models.CharField(_("target group"), max_length=40, choices=TargetGroup.choices, blank=True)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("based on"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adoptions",
        help_text=_("The template version this description adopts."),
    )
    introduction = models.TextField(_("introduction"), blank=True)
    adopted_on = models.DateField(
        _("adopted on"), null=True, blank=True, help_text=_("Empty while the version is a draft.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = DistrictScopedQuerySet.as_manager()
    district_scope_paths = ("district",)
    # The city-wide template is visible to everyone.
    district_scope_includes_shared = True

    class Meta:
        verbose_name = _("assignment description")
        verbose_name_plural = _("assignment descriptions")
        ordering = ["district__name", "series", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["series", "version"], name="unique_description_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def is_template(self) -> bool:
        return self.district_id is None

    def clean(self) -> None:
        if self.district_id is not None:
            self.municipality_id = self.district.municipality_id
        elif self.municipality_id is None:
            raise ValidationError({"district": _("Choose the district the description is for.")})
        if self.based_on_id and self.based_on.municipality_id != self.municipality_id:
            raise ValidationError(
                {"based_on": _("A description can only be based on its own municipality's template.")}
            )
        if self.based_on_id and self.based_on.district_id is not None:
            raise ValidationError({"based_on": _("A description can only be based on a city-wide template.")})
        if self.based_on_id and self.district_id is None:
            raise ValidationError({"based_on": _("A city-wide template is not based on another description.")})


class AssignmentTask(models.Model):
    """One task of an assignment description, operative or strategic."""

    description = models.ForeignKey(
        AssignmentDescription, verbose_name=_("assignment description"), on_delete=models.CASCADE, related_name="tasks"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices)
    text = models.TextField(_("task"))
    is_amendment = models.BooleanField(
        _("district amendment"), default=False, help_text=_("Added by the district to the template's tasks.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["description", "kind", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class DescriptionAssignment(models.Model):
    """An assignment description given to a consultant for a period."""

    consultant = models.ForeignKey(
        Consultant, verbose_name=_("consultant"), on_delete=models.CASCADE, related_name="description_assignments"
    )
    description = models.ForeignKey(
        AssignmentDescription,
        verbose_name=_("assignment description"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Empty: until further notice."))

    objects = DistrictScopedQuerySet.as_manager()
    district_scope_paths = ("consultant__home_district", "consultant__allocations__district")

    class Meta:
        verbose_name = _("assigned description")
        verbose_name_plural = _("assigned descriptions")
        ordering = ["consultant__ref", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                name="assignment_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultant}: {self.description}"

    def clean(self) -> None:
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end date must not be before the start date.")})
        if self.description_id and self.description.adopted_on is None:
            raise ValidationError({"description": _("Only an adopted description can be assigned; this is a draft.")})
