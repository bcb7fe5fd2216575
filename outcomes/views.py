from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from anhorigstod.form_errors import apply_validation_error

from .access import access_group_for_followup, access_talk
from .forms import FollowUpForm, GroupFollowUpForm, TalkScoreForm
from .models import FollowUpAnswer
from .services import followup_answer_record, talk_score_record


def _followup_initial(request) -> dict:
    return {"date": timezone.localdate(), "consultant": getattr(request.user, "consultant", None)}


@login_required
def talk_scores(request, contact_id: int):
    """ORS and SRS of one guidance talk."""
    talk = access_talk(request.user, contact_id)
    score = getattr(talk, "outcome_score", None)
    initial = {"ors": score.ors, "srs": score.srs} if score else {}
    form = TalkScoreForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            talk_score_record(talk=talk, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The scores were saved."))
            return redirect("interventions:contacts")
    return render(request, "outcomes/talk_scores.html", {"form": form, "talk": talk})


@login_required
def talk_followup(request, contact_id: int):
    """The follow-up question after the guidance talks of the talk's caregiver in its district."""
    talk = access_talk(request.user, contact_id)
    answer = (
        FollowUpAnswer.objects.filter(caregiver_id=talk.caregiver_id, district_id=talk.district_id, group=None)
        .select_related("consultant")
        .first()
        if talk.caregiver_id
        else None
    )
    form = FollowUpForm(
        request.POST or None, user=request.user, district=talk.district, initial=_followup_initial(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            followup_answer_record(
                user=request.user, district=talk.district, caregiver=talk.caregiver, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The follow-up was saved."))
            return redirect("interventions:contacts")
    return render(request, "outcomes/followup_form.html", {"form": form, "talk": talk, "answer": answer})


@login_required
def group_followup(request, group_id: int):
    """The follow-up question after a group or circle, one participant at a time."""
    group = access_group_for_followup(request.user, group_id)
    form = GroupFollowUpForm(request.POST or None, user=request.user, group=group, initial=_followup_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            followup_answer_record(user=request.user, district=group.district, group=group, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The follow-up was saved."))
            return redirect("outcomes:group_followup", group_id=group.pk)
    answers = FollowUpAnswer.objects.filter(group=group).select_related("caregiver", "consultant")
    return render(request, "outcomes/followup_form.html", {"form": form, "group": group, "answers": answers})
