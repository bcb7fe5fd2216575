"""What every figure section shares: the key of a scope's figures and the report role of a consultant.

Defined once here, at the bottom, so that every app defining figures (follow-up, outcomes,
collaboration) uses the same.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from consultants.models import ConsultantRole
from districts.models import TargetGroup

# The key under which ``district_figures(combined=True)`` returns the figures of the whole scope.
SCOPE = 0


class ReportRole(models.TextChoices):
    """The rows of report 003's role x channel table: who was in contact, by role and target group."""

    CONSULTANT_65_PLUS = "consultant_65_plus", _("Consultant 65+")
    CONSULTANT_UNDER_65 = "consultant_under_65", _("Consultant under 65")
    CONSULTANT_ALL = "consultant_all", _("Consultant, all ages")
    CONSULTANT_YOUNG_CARERS = "consultant_young_carers", _("Consultant for young carers")
    DEMENTIA_NURSE = "dementia_nurse", _("Dementia nurse")


def report_role(role: str, target_group: str) -> str:
    """A consultant's row in the role x channel table: dementia nurses apart, consultants by target group."""
    if role == ConsultantRole.DEMENTIA_NURSE:
        return ReportRole.DEMENTIA_NURSE
    return {
        TargetGroup.OVER_65: ReportRole.CONSULTANT_65_PLUS,
        TargetGroup.UNDER_65: ReportRole.CONSULTANT_UNDER_65,
        TargetGroup.YOUNG_CARERS: ReportRole.CONSULTANT_YOUNG_CARERS,
    }.get(target_group, ReportRole.CONSULTANT_ALL)


# The section of unique caregivers reached alone (summed from the facts' cell totals): what the goals
# measure, without the rest of the follow-up figures.
REACH_SECTION = "reach"

# The facts' dimensions of the outcome figures (``outcomes.selectors``), kept by the follow-up app's
# upkeep (``followup.occasions``), which the outcomes app may not import:
# - OUTCOME_TALK, "<consultant>:<intervention type>:<1 if scored else 0>": a guidance talk;
# - ORS, "<consultant>:<intervention type>:<change>": a series' last talk with an ORS, with the change;
# - REACH, "<intervention type>": a named caregiver's talk or group meeting (the followed-up share's base);
# - ANSWER, "<consultant>:<intervention type>:<result>": a follow-up answer (no contact, no cell total).
OUTCOME_TALK = "ot"
ORS = "ors"
REACH = "reach"
ANSWER = "answer"
OUTCOME_DIMENSIONS = (OUTCOME_TALK, ORS, REACH, ANSWER)
