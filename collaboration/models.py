"""Collaboration with partners, outreach, and the case officers' part in caregiver support.

Report 000 (2.4) found collaboration varying from district to district and planned nowhere; Nacka's
assignment descriptions (report 003, annexes 1-3) ask for collaboration with case officers,
healthcare and associations, information through several channels, the national carers' day and
theme evenings. Report 003 (section 5) measured the case officers' own part: in 42.6 % of new cases
the customer was told that their caregivers can get support.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scoping import DistrictScopedQuerySet
from districts.models import District, Network


class PartnerKind(models.TextChoices):
    CASE_OFFICER_UNIT = "case_officer_unit", _("Case-officer unit")
    REGION_HEALTHCARE = "region_healthcare", _("Region healthcare")
    MEMORY_CLINIC = "memory_clinic", _("Memory clinic")
    PSYCHIATRY = "psychiatry", _("Psychiatry")
    ASSOCIATION = "association", _("Association or volunteer organisation")
    STUDY_ASSOCIATION = "study_association", _("Study association")
    CHURCH = "church", _("Church or religious community")
    OTHER = "other", _("Other")


class Partner(models.Model):
    """An internal or external partner the districts' caregiver support works with (samverkan)."""

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=30, choices=PartnerKind.choices)
    districts = models.ManyToManyField(
        District,
        verbose_name=_("districts"),
        related_name="partners",
        help_text=_("The districts it works with. A case-officer unit belongs to exactly one district."),
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Inactive partners are no longer offered."))
    note = models.TextField(_("note"), blank=True)

    objects = DistrictScopedQuerySet.as_manager()
    district_scope_paths = ("districts",)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ActivityKind(models.TextChoices):
    MEETING = "meeting", _("Collaboration meeting")
    JOINT_ACTIVITY = "joint_activity", _("Joint activity")
    TRAINING = "training", _("Training of staff or representatives")


class ParticipantKind(models.TextChoices):
    CAREGIVERS = "caregivers", _("Caregivers")
    CONSULTANTS = "consultants", _("Caregiver-support consultants")
    STAFF = "staff", _("Other staff")
    MANAGERS = "managers", _("Managers")
    REPRESENTATIVES = "representatives", _("Caregiver representatives")
    PARTNER_STAFF = "partner_staff", _("Partners' staff")
    OTHER = "other", _("Others")


class LoggedActivity(models.Model):
    """Who recorded an activity and when; an activity belongs to every district in ``districts``."""

    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    network = models.ForeignKey(
        Network,
        verbose_name=_("network"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A network's activity belongs to every member district; its districts are filled in."),
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DistrictScopedQuerySet.as_manager()
    district_scope_paths = ("districts",)

    class Meta:
        abstract = True
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"


class CollaborationActivity(LoggedActivity):
    """A collaboration meeting, joint activity or training, with its participants by kind."""

    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    districts = models.ManyToManyField(
        District, verbose_name=_("districts"), related_name="collaboration_activities", blank=True
    )
    partners = models.ManyToManyField(Partner, verbose_name=_("partners"), related_name="activities", blank=True)

    class Meta(LoggedActivity.Meta):
        verbose_name = _("collaboration activity")
        verbose_name_plural = _("collaboration activities")


class ActivityParticipants(models.Model):
    """How many of one kind took part in a collaboration activity."""

    activity = models.ForeignKey(
        CollaborationActivity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="participants"
    )
    kind = models.CharField(_("participant kind"), max_length=20, choices=ParticipantKind.choices)
    count = models.PositiveIntegerField(_("number"), validators=[MaxValueValidator(100_000)])

    objects = DistrictScopedQuerySet.as_manager()
    district_scope_paths = ("activity__districts",)

    class Meta:
        verbose_name = _("participants")
        verbose_name_plural = _("participants")
        ordering = ["activity", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "kind"], name="one_participant_count_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.count}"


class OutreachKind(models.TextChoices):
    NEWSLETTER = "newsletter", _("Newsletter")
    WEB_UPDATE = "web_update", _("Web update")
    PUBLIC_LECTURE = "public_lecture", _("Lecture for the public")
    CARERS_DAY = "carers_day", _("The national carers' day (carers' week)")
    THEME_EVENING = "theme_evening", _("Theme evening")
    OTHER = "other", _("Other")


class OutreachActivity(LoggedActivity):
    """Information and outreach: a newsletter, a web update, a lecture, the carers' day, a theme evening."""

    kind = models.CharField(_("kind"), max_length=20, choices=OutreachKind.choices)
    districts = models.ManyToManyField(
        District, verbose_name=_("districts"), related_name="outreach_activities", blank=True
    )
    reach = models.PositiveIntegerField(
        _("people reached"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(10_000_000)],
        help_text=_("Empty when unknown (a web update, a newsletter without a count)."),
    )

    class Meta(LoggedActivity.Meta):
        verbose_name = _("outreach activity")
        verbose_name_plural = _("outreach activities")


class CaseOfficerMeasurement(models.Model):
    """The case officers' part: in how many new cases the customer was told about caregiver support.

    Entered for a case-officer unit and a period (Nacka's own check of new cases, report 003 section 5).
    """

    unit = models.ForeignKey(
        Partner,
        verbose_name=_("case-officer unit"),
        on_delete=models.PROTECT,
        related_name="measurements",
        limit_choices_to={"kind": PartnerKind.CASE_OFFICER_UNIT},
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    new_cases = models.PositiveIntegerField(
        _("new cases"),
        validators=[MaxValueValidator(1_000_000)],
        help_text=_("New cases in the period in which the customer has caregivers."),
    )
    informed_cases = models.PositiveIntegerField(
        _("customer told about caregiver support"),
        validators=[MaxValueValidator(1_000_000)],
        help_text=_("Of those, the cases in which the customer was told that caregivers can get support."),
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DistrictScopedQuerySet.as_manager()
    district_scope_paths = ("unit__districts",)

    class Meta:
        verbose_name = _("case officers' measurement")
        verbose_name_plural = _("case officers' measurements")
        ordering = ["-starts_on", "unit__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(informed_cases__lte=models.F("new_cases")), name="informed_within_new_cases"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="measurement_period_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.starts_on}–{self.ends_on}"

    @property
    def share(self) -> float | None:
        return case_officer_share(informed=self.informed_cases, new_cases=self.new_cases)


def case_officer_share(*, informed: int, new_cases: int) -> float | None:
    """The share (%) of new cases in which the customer was told about caregiver support, to one decimal."""
    return round(100 * informed / new_cases, 1) if new_cases else None
