from django.conf import settings
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


class InterventionCode:
    """Codes of the base-level components the software acts on; the catalogue rows carry them."""

    ADVICE = "advice"
    GUIDANCE_TALKS = "guidance_talks"
    OWN_GROUPS = "own_groups"
    CIRCLES = "circles"
    HOME_VISITS = "home_visits"
    NEEDS_ASSESSED = "needs_assessed"


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
    cap_default = models.PositiveSmallIntegerField(
        _("city default cap"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("The cap in force in districts that have not set their own."),
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

    @property
    def is_capped(self) -> bool:
        return self.cap_min is not None

    def clean(self) -> None:
        if (self.cap_min is None) != (self.cap_max is None):
            raise ValidationError(_("Give both the lowest and the highest cap, or neither."))
        if self.cap_min is not None and self.cap_min > self.cap_max:
            raise ValidationError({"cap_max": _("The highest cap must not be lower than the lowest cap.")})
        if self.cap_default is not None and (
            self.cap_min is None or not self.cap_min <= self.cap_default <= self.cap_max
        ):
            raise ValidationError({"cap_default": _("The default cap must lie within the lowest and highest cap.")})


class OrganiserKind(models.TextChoices):
    DISTRICT = "district", _("The district itself")
    STUDY_ASSOCIATION = "study_association", _("Study association")
    ASSOCIATION = "association", _("Association or volunteer organisation")
    OTHER = "other", _("Other")


class Organiser(models.Model):
    """Who runs a circle: the district itself or an external organiser (Vuxenskolan, Röda Korset)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganiserKind.choices)

    class Meta:
        verbose_name = _("organiser")
        verbose_name_plural = _("organisers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DistrictOffering(models.Model):
    """A base-level component that a district offers to one target group."""

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.CASCADE, related_name="offerings"
    )
    target_group = models.CharField(_("target group"), max_length=40, choices=TargetGroup.choices)
    intervention_type = models.ForeignKey(
        InterventionType, verbose_name=_("intervention type"), on_delete=models.PROTECT, related_name="offerings"
    )
    organiser = models.ForeignKey(
        Organiser,
        verbose_name=_("organiser"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offerings",
        help_text=_("For circles: who runs them. Empty means the district itself."),
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


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    INDIVIDUAL_MEETING = "individual_meeting", _("Individual talk, digital meeting or office visit")
    HOME_VISIT = "home_visit", _("Home visit")
    EMAIL_SMS = "email_sms", _("E-mail or SMS")
    GROUP_MEETING = "group_meeting", _("Group meeting")


MAX_DURATION_MINUTES = 8 * 60


class LoggedEntryQuerySet(DistrictScopedQuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)


class LoggedEntry(models.Model):
    """Who wrote an entry and when; entries are soft-deleted so that history and reports stay true."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    objects = LoggedEntryQuerySet.as_manager()

    class Meta:
        abstract = True


class GroupKind(models.TextChoices):
    OWN_GROUP = "own_group", _("Group led by the consultant")
    CIRCLE = "circle", _("Circle run by an organiser")


class GroupTopic(models.TextChoices):
    DEMENTIA = "dementia", _("Dementia")
    MENTAL_ILLNESS = "mental_illness", _("Mental illness")
    NEUROPSYCHIATRIC = "neuropsychiatric", _("Neuropsychiatric diagnoses")
    DISABILITY = "disability", _("Disability")
    LONG_TERM_ILLNESS = "long_term_illness", _("Long-term illness")
    SUBSTANCE_ABUSE = "substance_abuse", _("Substance abuse")
    BEREAVEMENT = "bereavement", _("Grief and bereavement")
    YOUNG_CARERS = "young_carers", _("Young carers")
    GENERAL = "general", _("General")


class Group(LoggedEntry):
    """A group led by a consultant (bounded or ongoing) or a circle with a maximum number of meetings."""

    kind = models.CharField(_("kind"), max_length=20, choices=GroupKind.choices)
    name = models.CharField(_("name"), max_length=100)
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="groups")
    target_group = models.CharField(_("target group"), max_length=40, choices=TargetGroup.choices)
    topic = models.CharField(_("topic"), max_length=30, choices=GroupTopic.choices)
    organiser = models.ForeignKey(
        Organiser, verbose_name=_("organiser"), null=True, blank=True, on_delete=models.PROTECT, related_name="groups"
    )
    max_meetings = models.PositiveSmallIntegerField(
        _("maximum number of meetings"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text=_("Required for circles; for a group, empty means it is ongoing."),
    )
    leader = models.ForeignKey(
        "consultants.Consultant",
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="groups_led",
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    district_scope_paths = ("district",)

    class Meta:
        verbose_name = _("group or circle")
        verbose_name_plural = _("groups and circles")
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_bounded(self) -> bool:
        return self.max_meetings is not None

    @property
    def intervention_code(self) -> str:
        return InterventionCode.CIRCLES if self.kind == GroupKind.CIRCLE else InterventionCode.OWN_GROUPS

    def clean(self) -> None:
        errors = {}
        if self.kind == GroupKind.CIRCLE:
            if not self.organiser_id:
                errors["organiser"] = _("A circle needs its organiser.")
            if not self.max_meetings:
                errors["max_meetings"] = _("A circle needs a maximum number of meetings.")
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end date must not be before the start date.")
        if errors:
            raise ValidationError(errors)


class GroupMeeting(LoggedEntry):
    """One meeting of a group or circle, with its named attendees and a headcount of unnamed ones."""

    group = models.ForeignKey(Group, verbose_name=_("group"), on_delete=models.PROTECT, related_name="meetings")
    number = models.PositiveSmallIntegerField(_("meeting number"))
    date = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_MINUTES)]
    )
    consultant = models.ForeignKey(
        "consultants.Consultant", verbose_name=_("consultant"), on_delete=models.PROTECT, related_name="meetings"
    )
    attendees = models.ManyToManyField(
        "caregivers.Caregiver", verbose_name=_("named attendees"), blank=True, related_name="meetings"
    )
    unnamed_count = models.PositiveSmallIntegerField(
        _("unnamed attendees"), default=0, validators=[MaxValueValidator(500)]
    )

    district_scope_paths = ("group__district",)
    district_scope_personal_data = True

    class Meta:
        verbose_name = _("group meeting")
        verbose_name_plural = _("group meetings")
        ordering = ["group", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "number"], condition=models.Q(deleted_at__isnull=True), name="one_meeting_per_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} #{self.number}"


class Contact(LoggedEntry):
    """One contact occasion. A caregiver is optional: an anonymous call counts as an occasion only."""

    date = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_MINUTES)]
    )
    intervention_type = models.ForeignKey(
        InterventionType, verbose_name=_("intervention type"), on_delete=models.PROTECT, related_name="contacts"
    )
    consultant = models.ForeignKey(
        "consultants.Consultant", verbose_name=_("consultant"), on_delete=models.PROTECT, related_name="contacts"
    )
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="contacts"
    )
    target_group = models.CharField(_("target group"), max_length=40, choices=TargetGroup.choices)
    caregiver = models.ForeignKey(
        "caregivers.Caregiver",
        verbose_name=_("caregiver"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    # For guidance talks: the talk's number and the cap in force when it was given, so history stays
    # true when a district changes its cap.
    talk_number = models.PositiveSmallIntegerField(_("talk number"), null=True, blank=True)
    talk_cap = models.PositiveSmallIntegerField(_("cap in force"), null=True, blank=True)
    meeting = models.ForeignKey(
        GroupMeeting,
        verbose_name=_("group meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )

    district_scope_paths = ("district",)
    district_scope_personal_data = True

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["district", "date"], name="contact_district_date"),
            models.Index(fields=["consultant", "date"], name="contact_consultant_date"),
            models.Index(fields=["caregiver", "district"], name="contact_caregiver_district"),
            models.Index(fields=["caregiver", "date"], name="contact_caregiver_date"),
            # The quick form starts from the user's last contact (contact_defaults).
            models.Index(fields=["created_by", "created_at"], name="contact_creator_created"),
        ]
        constraints = [
            # The database's own guard for the talk cap: one live talk per number per caregiver and district.
            models.UniqueConstraint(
                fields=["caregiver", "district", "talk_number"],
                condition=models.Q(deleted_at__isnull=True, talk_number__isnull=False),
                name="one_live_talk_per_number",
            ),
            models.CheckConstraint(
                condition=models.Q(talk_number__isnull=True) | models.Q(talk_number__lte=models.F("talk_cap")),
                name="talk_within_cap",
            ),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1, duration_minutes__lte=MAX_DURATION_MINUTES),
                name="contact_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_channel_display()}"


class GuidanceTalkManager(models.Manager):
    def get_queryset(self):
        return LoggedEntryQuerySet(self.model, using=self._db).filter(talk_number__isnull=False)


class GuidanceTalk(Contact):
    """A contact that is one of a caregiver's capped guidance talks."""

    objects = GuidanceTalkManager()

    class Meta:
        proxy = True
        verbose_name = _("guidance talk")
        verbose_name_plural = _("guidance talks")


class ReferralDestination(models.TextChoices):
    DOCTOR = "doctor", _("Doctor")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    OTHER_HEALTHCARE = "other_healthcare", _("Other healthcare")
    RESPITE = "respite", _("Case officer: respite")
    SHORT_TERM_CARE = "short_term_care", _("Case officer: short-term care")
    OTHER_NEEDS_ASSESSED = "other_needs_assessed", _("Case officer: other needs-assessed support")
    ASSOCIATION = "association", _("Association")
    OTHER = "other", _("Other")


HEALTHCARE_DESTINATIONS = (
    ReferralDestination.DOCTOR,
    ReferralDestination.PSYCHOLOGIST,
    ReferralDestination.OTHER_HEALTHCARE,
)


class Referral(models.Model):
    """A referral made in a contact: to healthcare, to a case officer, to an association."""

    contact = models.ForeignKey(Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="referrals")
    destination = models.CharField(_("referred to"), max_length=30, choices=ReferralDestination.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = DistrictScopedQuerySet.as_manager()
    district_scope_paths = ("contact__district",)
    district_scope_personal_data = True

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-contact__date", "-pk"]

    def __str__(self) -> str:
        return self.get_destination_display()
