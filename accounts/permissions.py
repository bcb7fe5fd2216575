"""What each role may do, as Django permissions. Where (which districts) is accounts.scoping's job."""

from django.contrib.auth.backends import ModelBackend

from .models import Role, User

_VIEW_REFERENCE = {
    "districts.view_municipality",
    "districts.view_district",
    "districts.view_network",
    "districts.view_supportpurchase",
    "districts.view_budget",
    "districts.view_caregiverrepresentativecount",
    "interventions.view_interventiontype",
    "interventions.view_districtoffering",
    "consultants.view_consultant",
    "consultants.view_allocation",
    "consultants.view_method",
    "consultants.view_assignmentdescription",
    "consultants.view_assignmenttask",
    "consultants.view_descriptionassignment",
    "interventions.view_organiser",
    "interventions.view_contact",
    "interventions.view_group",
    "interventions.view_groupmeeting",
    "interventions.view_referral",
    "caregivers.view_caregiver",
    "caregivers.view_supportcontactoffer",
    # The monthly cycle's records (taken through the app's pages) and the city's lock setting.
    "approvals.view_cyclesettings",
    "approvals.view_monthapproval",
    "approvals.view_monthsubmission",
    "approvals.view_entryexception",
    "approvals.view_monthreopening",
    "outcomes.view_talkscore",
    "outcomes.view_followupanswer",
    "goals.view_goal",
    "representatives.view_representative",
    "representatives.view_representativetraining",
    # Collaboration, outreach and the case officers' part: aggregates, no personal data.
    "collaboration.view_partner",
    "collaboration.view_collaborationactivity",
    "collaboration.view_activityparticipants",
    "collaboration.view_outreachactivity",
    "collaboration.view_caseofficermeasurement",
}

# Consultants and managers record their districts' collaboration and outreach (the app's forms).
_RECORD_ACTIVITIES = {
    "collaboration.add_collaborationactivity",
    "collaboration.change_collaborationactivity",
    "collaboration.add_activityparticipants",
    "collaboration.change_activityparticipants",
    "collaboration.delete_activityparticipants",
    "collaboration.add_outreachactivity",
    "collaboration.change_outreachactivity",
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.CONSULTANT: frozenset(_VIEW_REFERENCE | _RECORD_ACTIVITIES),
    # Managers maintain their own districts' data in the admin.
    Role.MANAGER: frozenset(
        _VIEW_REFERENCE
        | _RECORD_ACTIVITIES
        | {
            "districts.change_district",
            "caregivers.change_caregiver",
            "caregivers.add_supportcontactoffer",
            "caregivers.change_supportcontactoffer",
            "districts.add_budget",
            "districts.change_budget",
            "districts.delete_budget",
            "districts.add_supportpurchase",
            "districts.change_supportpurchase",
            "districts.delete_supportpurchase",
            "districts.add_caregiverrepresentativecount",
            "districts.change_caregiverrepresentativecount",
            "districts.delete_caregiverrepresentativecount",
            # The register of caregiver representatives: trainings are recorded on its page.
            "representatives.add_representative",
            "representatives.change_representative",
            "representatives.add_representativetraining",
            "interventions.add_districtoffering",
            "interventions.change_districtoffering",
            "interventions.delete_districtoffering",
            "consultants.add_consultant",
            "consultants.change_consultant",
            "consultants.add_allocation",
            "consultants.change_allocation",
            "consultants.delete_allocation",
            "consultants.add_assignmentdescription",
            "consultants.change_assignmentdescription",
            "consultants.add_assignmenttask",
            "consultants.change_assignmenttask",
            "consultants.delete_assignmenttask",
            "consultants.add_descriptionassignment",
            "consultants.change_descriptionassignment",
            "consultants.delete_descriptionassignment",
            "followup.view_followupreport",
            "followup.add_followupreport",
            # Outcome measures of their districts' talks and groups, corrected in the admin.
            "outcomes.add_talkscore",
            "outcomes.change_talkscore",
            "outcomes.delete_talkscore",
            "outcomes.add_followupanswer",
            "outcomes.change_followupanswer",
            "outcomes.delete_followupanswer",
            # Data subjects' rights for their own districts' caregivers (issue 6).
            "caregivers.extract_caregiver",
            "caregivers.erase_caregiver",
            "caregivers.view_caregivererasure",
            # Their districts' part of the audit log.
            "audit.view_auditentry",
            # Their districts' goals (which goal is theirs: goals.access.may_edit_goal).
            "goals.add_goal",
            "goals.change_goal",
            "goals.delete_goal",
            # Partners, deleting activities, and the case officers' measurements, entered by the
            # manager on the case-officer unit's behalf (no role of its own for case officers).
            "collaboration.add_partner",
            "collaboration.change_partner",
            "collaboration.delete_partner",
            "collaboration.delete_collaborationactivity",
            "collaboration.delete_outreachactivity",
            "collaboration.add_caseofficermeasurement",
            "collaboration.change_caseofficermeasurement",
            "collaboration.delete_caseofficermeasurement",
        }
    ),
    # Strategists compare all districts and maintain the city-wide definitions.
    Role.STRATEGIST: frozenset(
        _VIEW_REFERENCE
        | {
            "districts.add_network",
            "districts.change_network",
            "interventions.add_interventiontype",
            "interventions.change_interventiontype",
            "consultants.add_method",
            "consultants.change_method",
            "interventions.add_organiser",
            "interventions.change_organiser",
            "consultants.add_assignmentdescription",
            "consultants.change_assignmentdescription",
            "consultants.add_assignmenttask",
            "consultants.change_assignmenttask",
            "consultants.delete_assignmenttask",
            "followup.view_followupreport",
            "followup.add_followupreport",
            # The report schedules (django-celery-beat) are the strategists' to change or pause.
            "django_celery_beat.view_periodictask",
            "django_celery_beat.change_periodictask",
            "django_celery_beat.view_crontabschedule",
            "django_celery_beat.add_crontabschedule",
            "django_celery_beat.change_crontabschedule",
            # The whole audit log, and the erasure records (which hold no personal data).
            "audit.view_auditentry",
            "caregivers.view_caregivererasure",
            "caregivers.view_retentionrun",
            # The city's lock setting of the monthly cycle (one row: added once, then changed).
            "approvals.add_cyclesettings",
            "approvals.change_cyclesettings",
            # The city-wide goals (goals.access.may_edit_goal).
            "goals.add_goal",
            "goals.change_goal",
            "goals.delete_goal",
            # The benchmark of municipalities: their own municipality's publishing is theirs to decide.
            "benchmark.view_benchmark",
            "benchmark.publish_benchmark",
            "benchmark.view_publishedfigures",
            "benchmark.view_benchmarkpublication",
        }
    ),
    # Regional analysts see the benchmark and nothing else.
    Role.ANALYST: frozenset({"benchmark.view_benchmark"}),
    # Administrators are superusers (User.is_superuser follows the role): every permission.
    Role.ADMIN: frozenset(),
}


class RolePermissionBackend(ModelBackend):
    """Authenticate like Django's model backend; permissions come from the role alone.

    No per-user or group grants: the table above is the one place that decides, and checking a
    permission (the menu does on every page) costs no query.
    """

    def get_user(self, user_id):
        # Every page's header names the user's municipality: it is read with the user, in one query.
        try:
            user = User._default_manager.select_related("municipality").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_user_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return set(ROLE_PERMISSIONS.get(user_obj.role, frozenset()))

    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        return set()
