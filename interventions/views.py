from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anhorigstod.form_errors import apply_validation_error
from anhorigstod.pagination import CappedPaginator
from caregivers.models import Caregiver
from districts.models import District

from .access import access_group_by_id, access_meeting, access_own_contact
from .filters import ContactFilter, period_bounds
from .forms import ContactForm, GroupForm, MeetingForm, ReferralInsteadForm, resolve_caregiver
from .models import InterventionCode, InterventionType
from .selectors import contact_defaults, contact_list, group_meetings, recent_caregivers, talk_status
from .selectors import group_list as group_list_data
from .services import (
    TalkCapReached,
    contact_delete,
    contact_log,
    contact_update,
    group_create,
    group_meeting_delete,
    group_meeting_record,
)


def _id_or_none(value: str) -> int | None:
    """An id from the address: ASCII digits that fit the column, or None.

    str.isdigit() alone lets through digits int() refuses ("²") and numbers past a bigint.
    """
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def _consultant_or_none(request):
    consultant = getattr(request.user, "consultant", None)
    if consultant is None:
        messages.error(request, _("Your account is not linked to a consultant record; ask your manager to link it."))
    return consultant


def _saved_message(contact) -> str:
    if contact.talk_number:
        return _("Guidance talk %(n)d of %(cap)d saved for %(label)s.") % {
            "n": contact.talk_number,
            "cap": contact.talk_cap,
            "label": contact.caregiver.label,
        }
    return _("Saved: %(channel)s, %(minutes)d min.") % {
        "channel": contact.get_channel_display().lower(),
        "minutes": contact.duration_minutes,
    }


def _log_context(request, form, referral_form=None):
    today = timezone.localdate()
    week_start, _end = period_bounds("week", today)
    mine = contact_list(user=request.user).filter(created_by=request.user)
    talk = None
    caregiver = form.initial.get("caregiver_obj")
    if caregiver is not None and form.initial.get("district"):
        district = District.objects.select_related("municipality").filter(pk=form.initial["district"]).first()
        used, cap = talk_status(caregiver=caregiver, district=district)
        talk = {"next": used + 1, "cap": cap, "label": caregiver.label, "reached": used >= cap}
    return {
        "form": form,
        "referral_form": referral_form,
        "caregiver_options": recent_caregivers(user=request.user),
        "today_entries": list(mine.filter(date=today)[:50]),
        "week_count": mine.filter(date__gte=week_start).count(),
        "talk": talk,
    }


@login_required
def log_contact(request):
    """The consultant's quick form; after saving it comes back ready for the next contact."""
    consultant = _consultant_or_none(request)
    initial = contact_defaults(user=request.user)
    caregiver_id = _id_or_none(request.GET.get("caregiver", "")) if request.method == "GET" else None
    if caregiver_id is not None:
        caregiver = Caregiver.objects.visible_to(request.user).filter(pk=caregiver_id).first()
        if caregiver is not None:
            initial |= {"caregiver": caregiver.label, "caregiver_obj": caregiver}
    data = request.POST.copy() if request.method == "POST" else None
    referral_form = None
    if data is not None and "as_referral" in data:
        # Past the cap: record the contact as advice, with the referral the consultant chose.
        referral_form = ReferralInsteadForm(data)
        if referral_form.is_valid():
            advice = InterventionType.objects.get(code=InterventionCode.ADVICE)
            data["intervention_type"] = str(advice.pk)
            data["referral_destination"] = referral_form.cleaned_data["destination"]
    form = ContactForm(data, user=request.user, initial=initial)
    if data is not None and consultant is not None and form.is_valid():
        values = dict(form.cleaned_data)
        try:
            contact = contact_log(user=request.user, consultant=consultant, **values)
        except TalkCapReached as error:
            apply_validation_error(form, error)
            referral_form = ReferralInsteadForm()
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _saved_message(contact))
            return redirect("interventions:log")
    return render(request, "interventions/log.html", _log_context(request, form, referral_form))


@login_required
@require_GET
def talk_status_json(request):
    """ "Talk 2 of 4" for the quick form, as the consultant types the caregiver's label."""
    district_id = _id_or_none(request.GET.get("district", ""))
    district = (
        request.user.districts.select_related("municipality").filter(pk=district_id).first()
        if district_id is not None
        else None
    )
    label = (request.GET.get("caregiver") or "").strip()
    if district is None or not label:
        return JsonResponse({"text": ""})
    try:
        caregiver = resolve_caregiver(user=request.user, label=label, district=district)
    except ValidationError:
        return JsonResponse({"text": ""})
    used, cap = talk_status(caregiver=caregiver, district=district)
    if used >= cap:
        text = _("%(label)s has had all %(cap)d guidance talks: the cap is reached.") % {
            "label": caregiver.label,
            "cap": cap,
        }
    else:
        text = _("A guidance talk now would be talk %(n)d of %(cap)d.") % {"n": used + 1, "cap": cap}
    return JsonResponse({"text": text, "used": used, "cap": cap})


@login_required
def contact_list_view(request):
    params = request.GET.copy()
    if "mine" not in params and getattr(request.user, "consultant", None) is not None:
        params["mine"] = "true"
    contact_filter = ContactFilter(params, queryset=contact_list(user=request.user), request=request)
    page = CappedPaginator(contact_filter.qs, 50).get_page(request.GET.get("page"))
    return render(request, "interventions/contact_list.html", {"filter": contact_filter, "page": page})


@login_required
def contact_edit(request, contact_id: int):
    contact = access_own_contact(request.user, contact_id)
    referral = contact.referrals.first()
    initial = {
        "caregiver": contact.caregiver.label if contact.caregiver else "",
        "intervention_type": contact.intervention_type_id,
        "channel": contact.channel,
        "duration_minutes": contact.duration_minutes,
        "date": contact.date,
        "district": contact.district_id,
        "target_group": contact.target_group,
        "referral_destination": referral.destination if referral else "",
    }
    erased = contact.caregiver if contact.caregiver and contact.caregiver.is_erased else None
    form = ContactForm(request.POST or None, user=request.user, initial=initial, erased_caregiver=erased)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        destination = values.pop("referral_destination")
        try:
            contact_update(contact=contact, user=request.user, referral_destination=destination, **values)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The contact was changed."))
            return redirect("interventions:contacts")
    return render(
        request,
        "interventions/contact_edit.html",
        {"form": form, "contact": contact, "caregiver_options": recent_caregivers(user=request.user)},
    )


@login_required
def contact_delete_view(request, contact_id: int):
    contact = access_own_contact(request.user, contact_id)
    error = None
    if request.method == "POST":
        try:
            contact_delete(contact=contact, user=request.user)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, _("The contact was deleted."))
            return redirect("interventions:contacts")
    return render(request, "interventions/contact_delete.html", {"contact": contact, "error": error})


@login_required
def group_list(request):
    return render(request, "interventions/group_list.html", {"groups": group_list_data(user=request.user)})


@login_required
def group_new(request):
    form = GroupForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        consultant = getattr(request.user, "consultant", None)
        try:
            group = group_create(user=request.user, leader=consultant, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The group was created."))
            return redirect("interventions:group", group_id=group.pk)
    return render(request, "interventions/group_form.html", {"form": form})


@login_required
def group_detail(request, group_id: int):
    group = access_group_by_id(request.user, group_id)
    form = MeetingForm(request.POST or None, user=request.user, group=group, initial={"date": timezone.localdate()})
    if request.method == "POST":
        consultant = _consultant_or_none(request)
        if consultant is not None and form.is_valid():
            try:
                meeting = group_meeting_record(
                    group=group, user=request.user, consultant=consultant, **form.cleaned_data
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request,
                    _("Meeting %(n)d recorded: %(count)d group-meeting contacts logged.")
                    % {"n": meeting.number, "count": meeting.contacts.count()},
                )
                return redirect("interventions:group", group_id=group.pk)
    meetings = group_meetings(group=group, user=request.user)
    return render(
        request,
        "interventions/group_detail.html",
        {
            "group": group,
            "form": form,
            "meetings": meetings,
            "full": group.is_bounded and len(meetings) >= group.max_meetings,
        },
    )


@login_required
@require_POST
def meeting_delete(request, group_id: int, meeting_id: int):
    group = access_group_by_id(request.user, group_id)
    meeting = access_meeting(request.user, group, meeting_id)
    try:
        group_meeting_delete(meeting=meeting, user=request.user)
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The meeting and its contacts were deleted."))
    return redirect("interventions:group", group_id=group.pk)
