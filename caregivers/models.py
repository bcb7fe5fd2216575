"""Caregivers (anhöriga): pseudonymous records holding the least personal data follow-up needs."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.scoping import DistrictScopedQuerySet
from districts.models import District, Municipality, TargetGroup

# Swedish personal identity and coordination numbers (YYMMDD-NNNN, YYYYMMDDNNNN): never stored.
_IDENTITY_NUMBER = re.compile(r"(?<!\d)(\d{2})?\d{6}\s*[-+]?\s*\d{4}(?!\d)")


def validate_no_identity_number(value: str) -> None:
    if _IDENTITY_NUMBER.search(value):
        raise ValidationError(
            _("Do not enter a personal identity number; use initials or a nickname."), code="identity_number"
        )


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("Other or non-binary")
    UNKNOWN = "unknown", _("Not stated")


class AgeBand(models.TextChoices):
    UNDER_18 = "0-17", _("0-17 years")
    FROM_18 = "18-29", _("18-29 years")
    FROM_30 = "30-44", _("30-44 years")
    FROM_45 = "45-64", _("45-64 years")
    FROM_65 = "65-79", _("65-79 years")
    FROM_80 = "80+", _("80 years or older")
    UNKNOWN = "unknown", _("Not stated")

    @classmethod
    def for_age(cls, age: int) -> "AgeBand":
        for band, upper in (
            (cls.UNDER_18, 17),
            (cls.FROM_18, 29),
            (cls.FROM_30, 44),
            (cls.FROM_45, 64),
            (cls.FROM_65, 79),
        ):
            if age <= upper:
                return band
        return cls.FROM_80


class Relation(models.TextChoices):
    PARTNER = "partner", _("Spouse or partner")
    CHILD = "child", _("Child of the care recipient")
    PARENT = "parent", _("Parent of the care recipient")
    SIBLING = "sibling", _("Sibling")
    OTHER_RELATIVE = "relative", _("Other relative")
    FRIEND = "friend", _("Friend or neighbour")
    OTHER = "other", _("Other")


class Condition(models.TextChoices):
    """The care recipient's condition, as a category: never a free-text diagnosis."""

    DEMENTIA = "dementia", _("Dementia")
    MENTAL_ILLNESS = "mental_illness", _("Mental illness")
    DISABILITY = "disability", _("Disability")
    LONG_TERM_ILLNESS = "long_term_illness", _("Long-term illness")
    OLD_AGE = "old_age", _("Old age")
    SUBSTANCE_ABUSE = "substance_abuse", _("Substance abuse")
    OTHER = "other", _("Other")


class CaregiverQuerySet(DistrictScopedQuerySet):
    def not_erased(self):
        return self.filter(erased_at__isnull=True)


# What an erased caregiver's label becomes: neutral, the same for all, naming nobody.
ERASED_LABEL = "–"


class Caregiver(models.Model):
    """A person who cares for a close one, known by a label the consultant recognises."""

    label = models.CharField(
        _("label"),
        max_length=40,
        validators=[validate_no_identity_number],
        help_text=_("Initials or a nickname you recognise; never a full name or a personal identity number."),
    )
    districts = models.ManyToManyField(District, verbose_name=_("districts"), related_name="caregivers")
    # The municipality whose support the caregiver receives: set from their districts when registered,
    # and kept if they leave every district (their offers still count in its figures).
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="caregivers",
        editable=False,
    )
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    relation = models.CharField(_("relation to the care recipient"), max_length=20, choices=Relation.choices)
    condition = models.CharField(_("the care recipient's condition"), max_length=30, choices=Condition.choices)
    target_group = models.CharField(_("target group"), max_length=40, choices=TargetGroup.choices)
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
    erased_at = models.DateTimeField(
        _("erased"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the identifying data was erased; the statistical categories are kept."),
    )

    objects = CaregiverQuerySet.as_manager()
    district_scope_paths = ("districts",)
    district_scope_personal_data = True

    class Meta:
        verbose_name = _("caregiver")
        verbose_name_plural = _("caregivers")
        ordering = ["label"]
        indexes = [models.Index(models.functions.Lower("label"), name="caregiver_label_lower")]
        permissions = [
            ("extract_caregiver", _("Can make a register extract of a caregiver")),
            ("erase_caregiver", _("Can erase a caregiver's identifying data")),
        ]

    def __str__(self) -> str:
        if self.erased_at is not None:
            return gettext("Erased caregiver %(id)d") % {"id": self.pk}
        return self.label

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class SupportContactStatus(models.TextChoices):
    OFFERED = "offered", _("Offered, no answer yet")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class SupportContactOffer(models.Model):
    """The named support contact (stödkontakt) the municipality must offer every caregiver (SoL 2025:400)."""

    caregiver = models.ForeignKey(
        Caregiver, verbose_name=_("caregiver"), on_delete=models.CASCADE, related_name="support_contact_offers"
    )
    offered_on = models.DateField(_("offered on"))
    status = models.CharField(_("status"), max_length=10, choices=SupportContactStatus.choices)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    support_person = models.ForeignKey(
        "consultants.Consultant",
        verbose_name=_("support contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_contact_for",
        help_text=_("Who the caregiver's named support contact is, once accepted."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = DistrictScopedQuerySet.as_manager()
    district_scope_paths = ("caregiver__districts",)
    district_scope_personal_data = True

    class Meta:
        verbose_name = _("support contact offer")
        verbose_name_plural = _("support contact offers")
        ordering = ["caregiver", "-offered_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.caregiver}: {self.get_status_display()}"

    def clean(self) -> None:
        errors = {}
        if self.status == SupportContactStatus.ACCEPTED and not self.support_person_id:
            errors["support_person"] = _("Name the support contact the caregiver accepted.")
        if self.status != SupportContactStatus.OFFERED and not self.answered_on:
            errors["answered_on"] = _("Give the date the caregiver answered.")
        if self.answered_on and self.offered_on and self.answered_on < self.offered_on:
            errors["answered_on"] = _("The answer cannot come before the offer.")
        if errors:
            raise ValidationError(errors)


class ErasureReason(models.TextChoices):
    REQUEST = "request", _("At the caregiver's request")
    RETENTION = "retention", _("Retention period passed")


class RetentionRun(models.Model):
    """One run of the retention job: the rule it applied and how many caregivers it erased."""

    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    run_on = models.DateField(_("run for the day"))
    retention_years = models.PositiveSmallIntegerField(_("retention period (years)"))
    cutoff = models.DateField(
        _("cutoff date"), help_text=_("Caregivers with no contact on or after this day were erased.")
    )
    erased_count = models.PositiveIntegerField(_("caregivers erased"), default=0)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.run_on} ({self.erased_count})"


class CaregiverErasure(models.Model):
    """That, when, why and by whom a caregiver was erased: no personal data, only the caregiver's id.

    One per caregiver (erasing again changes nothing). The caregiver row is protected: it is anonymous
    now, and deleting it would change the statistics already reported.
    """

    caregiver = models.OneToOneField(
        Caregiver, verbose_name=_("caregiver"), on_delete=models.PROTECT, related_name="erasure"
    )
    erased_at = models.DateTimeField(_("erased"))
    reason = models.CharField(_("reason"), max_length=10, choices=ErasureReason.choices)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erased by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when the retention job erased the caregiver."),
    )
    retention_run = models.ForeignKey(
        RetentionRun,
        verbose_name=_("retention run"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="erasures",
    )

    objects = DistrictScopedQuerySet.as_manager()
    district_scope_paths = ("caregiver__districts",)

    class Meta:
        verbose_name = _("caregiver erasure")
        verbose_name_plural = _("caregiver erasures")
        ordering = ["-erased_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reason="retention", erased_by__isnull=True)
                | models.Q(reason="request", retention_run__isnull=True),
                name="erasure_reason_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.caregiver_id} {self.erased_at:%Y-%m-%d}"
