"""Writes of outcome measures: a guidance talk's ORS/SRS scores and follow-up answers."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.scoping import district_ids_in_scope
from caregivers.models import Caregiver
from consultants.models import Consultant
from consultants.selectors import consultants_serving
from districts.models import District
from interventions.models import Contact, Group, GroupMeeting, InterventionCode, InterventionType

from .models import FollowUpAnswer, TalkScore


def _check_district(user, district: District) -> None:
    if district.pk not in (district_ids_in_scope(user, personal_data=True) or ()):
        raise ValidationError({"district": _("You can only record outcomes in your own districts.")})


def _check_consultant(consultant: Consultant, district: District) -> None:
    if not consultants_serving(district=district).filter(pk=consultant.pk).exists():
        raise ValidationError({"consultant": _("This consultant does not work in the district.")})


@transaction.atomic
def talk_score_record(*, talk: Contact, user, ors: int | None, srs: int | None) -> TalkScore:
    """Record (or change) the ORS and SRS of a guidance talk; one row per talk."""
    _check_district(user, talk.district)
    score = TalkScore.objects.select_for_update().filter(talk=talk).first() or TalkScore(talk=talk)
    score.ors, score.srs, score.recorded_by = ors, srs, user
    score.full_clean(validate_constraints=False)
    score.save()
    return score


def _already_answered(caregiver: Caregiver, district: District, group: Group | None) -> ValidationError:
    if group is None:
        message = _("%(label)s has already been followed up after the guidance talks in %(district)s.") % {
            "label": caregiver.label,
            "district": district.name,
        }
    else:
        message = _("%(label)s has already been followed up after %(group)s.") % {
            "label": caregiver.label,
            "group": group.name,
        }
    return ValidationError({"caregiver": message})


def followup_answer_check(*, user, answer: FollowUpAnswer) -> None:
    """The rules of a follow-up answer beyond its own fields, for the forms and the admin alike.

    The district is the user's, the consultant works in it, and a named caregiver may be seen by the
    user, took part (guidance talks in the district, or the group) and has no answer for it yet. Call
    inside a transaction: the caregiver's row is locked so that two answers are checked one by one.
    """
    _check_district(user, answer.district)
    _check_consultant(answer.consultant, answer.district)
    caregiver, group, district = answer.caregiver, answer.group, answer.district
    if caregiver is None:
        return
    Caregiver.objects.select_for_update().filter(pk=caregiver.pk).first()
    if not Caregiver.objects.visible_to(user).filter(pk=caregiver.pk).exists():
        raise ValidationError({"caregiver": _("This caregiver belongs to another district.")})
    if group is None:
        took_part = Contact.objects.alive().filter(caregiver=caregiver, district=district, talk_number__isnull=False)
        if not took_part.exists():
            raise ValidationError({"caregiver": _("This caregiver has had no guidance talks in the district.")})
    elif not GroupMeeting.objects.alive().filter(group=group, attendees=caregiver).exists():
        raise ValidationError({"caregiver": _("This caregiver has not attended the group.")})
    same = FollowUpAnswer.objects.filter(caregiver=caregiver).exclude(pk=answer.pk)
    same = same.filter(group=group) if group is not None else same.filter(group__isnull=True, district=district)
    if same.exists():
        raise _already_answered(caregiver, district, group)


@transaction.atomic
def followup_answer_record(
    *,
    user,
    district: District,
    consultant: Consultant,
    date: datetime.date,
    result: str,
    caregiver: Caregiver | None = None,
    group: Group | None = None,
) -> FollowUpAnswer:
    """Record the answer to "did the support lead to the desired result?".

    After guidance talks (no ``group``): a caregiver who has had a guidance talk in the district, once
    per caregiver and district. After a group or circle: a named participant once per group, or an
    unnamed participant (no ``caregiver``). The intervention type follows from what is followed up.
    """
    code = group.intervention_code if group is not None else InterventionCode.GUIDANCE_TALKS
    intervention_type = InterventionType.objects.filter(code=code).first()
    if intervention_type is None:
        raise ValidationError(
            _("The base level's catalogue has no intervention type %(code)s; ask a strategist to add it.")
            % {"code": code}
        )
    answer = FollowUpAnswer(
        district=district,
        consultant=consultant,
        date=date,
        result=result,
        caregiver=caregiver,
        group=group,
        intervention_type=intervention_type,
        recorded_by=user,
    )
    answer.full_clean(validate_constraints=False)
    followup_answer_check(user=user, answer=answer)
    try:
        with transaction.atomic():
            answer.save()
    except IntegrityError:
        raise _already_answered(caregiver, district, group) from None
    return answer
