"""Outcome measures: ORS/SRS scores of guidance talks and the follow-up question of report 003.

Report 003's assignment descriptions ask the consultant to "follow up after groups and talks whether
the support led to the desired result"; the city adds ORS (Outcome Rating Scale) at the first and the
last guidance talk and SRS (Session Rating Scale) after a talk, both 0-40.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import DistrictScopedQuerySet
from districts.models import District
from interventions.models import Contact, InterventionCode

SCORE_MIN, SCORE_MAX = 0, 40
_SCORE_VALIDATORS = [MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]


class TalkScore(models.Model):
    """The outcome scores of one guidance talk: ORS and/or SRS, each 0-40."""

    talk = models.OneToOneField(
        Contact, verbose_name=_("guidance talk"), on_delete=models.CASCADE, related_name="outcome_score"
    )
    ors = models.PositiveSmallIntegerField(
        _("ORS"),
        null=True,
        blank=True,
        validators=_SCORE_VALIDATORS,
        help_text=_("Outcome Rating Scale, 0-40: how the caregiver is doing. Given at the first and the last talk."),
    )
    srs = models.PositiveSmallIntegerField(
        _("SRS"),
        null=True,
        blank=True,
        validators=_SCORE_VALIDATORS,
        help_text=_("Session Rating Scale, 0-40: how the caregiver experienced the talk."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    objects = DistrictScopedQuerySet.as_manager()
    district_scope_paths = ("talk__district",)
    district_scope_personal_data = True

    class Meta:
        verbose_name = _("talk score")
        verbose_name_plural = _("talk scores")
        ordering = ["-talk__date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ors__isnull=True) | models.Q(ors__gte=SCORE_MIN, ors__lte=SCORE_MAX),
                name="talk_score_ors_range",
            ),
            models.CheckConstraint(
                condition=models.Q(srs__isnull=True) | models.Q(srs__gte=SCORE_MIN, srs__lte=SCORE_MAX),
                name="talk_score_srs_range",
            ),
            models.CheckConstraint(
                condition=models.Q(ors__isnull=False) | models.Q(srs__isnull=False), name="talk_score_not_empty"
            ),
        ]

    def __str__(self) -> str:
        def shown(score: int | None) -> str:
            return "-" if score is None else str(score)

        return f"{self.talk}: ORS {shown(self.ors)}, SRS {shown(self.srs)}"

    def clean(self) -> None:
        if self.talk_id and self.talk.talk_number is None:
            raise ValidationError({"talk": _("Scores are recorded for guidance talks only.")})
        if self.ors is None and self.srs is None:
            raise ValidationError({"ors": _("Give an ORS score, an SRS score or both.")})


class FollowUpResult(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class FollowUpAnswer(models.Model):
    """The answer to "did the support lead to the desired result?" after talks or a group.

    After a series of guidance talks the answer is a named caregiver's (one per caregiver and district:
    the talk cap makes a district's talks one series). After a group or circle it is a participant's,
    named (one per caregiver and group) or unnamed (any number, one per participant who answered).
    """

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="followup_answers"
    )
    intervention_type = models.ForeignKey(
        "interventions.InterventionType",
        verbose_name=_("intervention type"),
        on_delete=models.PROTECT,
        related_name="followup_answers",
    )
    caregiver = models.ForeignKey(
        "caregivers.Caregiver",
        verbose_name=_("caregiver"),
        null=True,
        blank=True,
        # An erased caregiver's answer stays, unnamed, so the shares stay true.
        on_delete=models.SET_NULL,
        related_name="followup_answers",
    )
    group = models.ForeignKey(
        "interventions.Group",
        verbose_name=_("group or circle"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followup_answers",
        help_text=_("Empty for a follow-up after guidance talks."),
    )
    consultant = models.ForeignKey(
        "consultants.Consultant",
        verbose_name=_("followed up by"),
        on_delete=models.PROTECT,
        related_name="followup_answers",
    )
    date = models.DateField(_("date"))
    result = models.CharField(
        _("did the support lead to the desired result?"), max_length=10, choices=FollowUpResult.choices
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = DistrictScopedQuerySet.as_manager()
    district_scope_paths = ("district",)
    district_scope_personal_data = True

    class Meta:
        verbose_name = _("follow-up answer")
        verbose_name_plural = _("follow-up answers")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["district", "date"], name="followup_answer_district_date"),
            # "Was this caregiver followed up in the district since the period's start?", asked once per
            # caregiver reached: without it PostgreSQL scans the district's answers for each (27 s at 10M).
            models.Index(fields=["caregiver", "district", "date"], name="followup_answer_caregiver"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["caregiver", "district"],
                condition=models.Q(group__isnull=True, caregiver__isnull=False),
                name="one_followup_per_talk_series",
            ),
            models.UniqueConstraint(
                fields=["caregiver", "group"],
                condition=models.Q(group__isnull=False, caregiver__isnull=False),
                name="one_followup_per_group_participant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_result_display()}"

    @property
    def is_after_talks(self) -> bool:
        return self.group_id is None

    def clean(self) -> None:
        errors = {}
        if self.date and self.date > timezone.localdate():
            errors["date"] = _("The date must not be in the future.")
        if self.group_id:
            if self.district_id and self.group.district_id != self.district_id:
                errors["group"] = _("The group belongs to another district.")
            if self.intervention_type_id and self.intervention_type.code != self.group.intervention_code:
                errors["intervention_type"] = _("The intervention type must be the group's kind.")
        else:
            if not self.caregiver_id:
                errors["caregiver"] = _("A follow-up after guidance talks needs its caregiver.")
            if self.intervention_type_id and self.intervention_type.code != InterventionCode.GUIDANCE_TALKS:
                errors["intervention_type"] = _("Without a group, the follow-up is after guidance talks.")
        if errors:
            raise ValidationError(errors)
