from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhorigstod.form_errors import apply_validation_error

from .access import (
    access_collaboration_activity,
    access_measurement,
    access_outreach_activity,
    access_partner,
    require_permission,
)
from .forms import CollaborationActivityForm, MeasurementForm, OutreachActivityForm, PartnerForm
from .selectors import (
    NACKA_CASE_OFFICER_SHARE,
    collaboration_activity_list,
    measurement_list,
    outreach_activity_list,
    partner_list,
)
from .services import (
    case_officer_measurement_save,
    collaboration_activity_save,
    outreach_activity_save,
    partner_create,
    partner_update,
)


def _list(request, template: str, queryset, **context):
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(request, f"collaboration/{template}", {"page": page, **context})


def _form_page(request, form, save, *, title, back: str, saved: str):
    """Validate the form, call the service; its errors land on the form's fields, nothing half-saved."""
    if request.method == "POST" and form.is_valid():
        values = form.values() if hasattr(form, "values") else dict(form.cleaned_data)
        try:
            save(values)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, saved)
            return redirect(back)
    return render(request, "collaboration/form.html", {"form": form, "title": title, "back": back})


# --- Collaboration activities ----------------------------------------------------------------------


@login_required
def activity_list(request):
    require_permission(request.user, "collaboration.view_collaborationactivity")
    return _list(request, "activity_list.html", collaboration_activity_list(user=request.user))


@login_required
def activity_new(request):
    require_permission(request.user, "collaboration.add_collaborationactivity")
    form = CollaborationActivityForm(request.POST or None, user=request.user)
    return _form_page(
        request,
        form,
        lambda values: collaboration_activity_save(user=request.user, **values),
        title=gettext_lazy("New collaboration activity"),
        back="collaboration:activities",
        saved=_("The collaboration activity was saved."),
    )


@login_required
def activity_edit(request, activity_id: int):
    activity = access_collaboration_activity(request.user, activity_id)
    form = CollaborationActivityForm(request.POST or None, user=request.user, activity=activity)
    return _form_page(
        request,
        form,
        lambda values: collaboration_activity_save(user=request.user, activity=activity, **values),
        title=gettext_lazy("Change collaboration activity"),
        back="collaboration:activities",
        saved=_("The collaboration activity was saved."),
    )


# --- Outreach --------------------------------------------------------------------------------------


@login_required
def outreach_list(request):
    require_permission(request.user, "collaboration.view_outreachactivity")
    return _list(request, "outreach_list.html", outreach_activity_list(user=request.user))


@login_required
def outreach_new(request):
    require_permission(request.user, "collaboration.add_outreachactivity")
    form = OutreachActivityForm(request.POST or None, user=request.user)
    return _form_page(
        request,
        form,
        lambda values: outreach_activity_save(user=request.user, **values),
        title=gettext_lazy("New outreach activity"),
        back="collaboration:outreach",
        saved=_("The outreach activity was saved."),
    )


@login_required
def outreach_edit(request, activity_id: int):
    activity = access_outreach_activity(request.user, activity_id)
    form = OutreachActivityForm(request.POST or None, user=request.user, activity=activity)
    return _form_page(
        request,
        form,
        lambda values: outreach_activity_save(user=request.user, activity=activity, **values),
        title=gettext_lazy("Change outreach activity"),
        back="collaboration:outreach",
        saved=_("The outreach activity was saved."),
    )


# --- Partners --------------------------------------------------------------------------------------


@login_required
def partners(request):
    require_permission(request.user, "collaboration.view_partner")
    return _list(request, "partner_list.html", partner_list(user=request.user))


@login_required
def partner_new(request):
    require_permission(request.user, "collaboration.add_partner")
    form = PartnerForm(request.POST or None, user=request.user)
    return _form_page(
        request,
        form,
        lambda values: partner_create(user=request.user, **values),
        title=gettext_lazy("New partner"),
        back="collaboration:partners",
        saved=_("The partner was saved."),
    )


@login_required
def partner_edit(request, partner_id: int):
    partner = access_partner(request.user, partner_id)
    form = PartnerForm(request.POST or None, user=request.user, partner=partner)
    return _form_page(
        request,
        form,
        lambda values: partner_update(partner=partner, user=request.user, **values),
        title=gettext_lazy("Change partner"),
        back="collaboration:partners",
        saved=_("The partner was saved."),
    )


# --- The case officers' part -----------------------------------------------------------------------


@login_required
def measurements(request):
    require_permission(request.user, "collaboration.view_caseofficermeasurement")
    return _list(
        request,
        "measurement_list.html",
        measurement_list(user=request.user),
        reference_share=NACKA_CASE_OFFICER_SHARE,
    )


@login_required
def measurement_new(request):
    require_permission(request.user, "collaboration.add_caseofficermeasurement")
    form = MeasurementForm(request.POST or None, user=request.user)
    return _form_page(
        request,
        form,
        lambda values: case_officer_measurement_save(user=request.user, **values),
        title=gettext_lazy("New case officers' measurement"),
        back="collaboration:measurements",
        saved=_("The measurement was saved."),
    )


@login_required
def measurement_edit(request, measurement_id: int):
    measurement = access_measurement(request.user, measurement_id)
    form = MeasurementForm(request.POST or None, user=request.user, measurement=measurement)
    return _form_page(
        request,
        form,
        lambda values: case_officer_measurement_save(user=request.user, measurement=measurement, **values),
        title=gettext_lazy("Change case officers' measurement"),
        back="collaboration:measurements",
        saved=_("The measurement was saved."),
    )
