from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anhorigstod.form_errors import apply_validation_error
from districts.models import District

from .access import access_district_month, may_accept, may_approve, may_submit
from .forms import ExceptionForm, ReopenForm
from .models import MonthStatus
from .selectors import district_months, month_page, recent_months
from .services import entry_exception_grant, month_accept, month_approve, month_reopen, month_submit


@login_required
def overview(request):
    """Recent months of the user's districts: status, who submitted, approved and accepted, and the lock."""
    districts = list(District.objects.visible_to(request.user).order_by("name"))
    months = recent_months(timezone.localdate())
    rows = district_months(districts=districts, months=months)
    return render(request, "approvals/overview.html", {"rows": rows, "months": months})


def _page(request, district, month, *, reopen_form=None, exception_form=None):
    data = month_page(district=district, month=month)
    user = request.user
    can_approve = may_approve(user, district)
    mine = getattr(user, "consultant", None)
    context = data | {
        "cell": data,
        "district": district,
        "can_submit": may_submit(user, district)
        and data["status"] in (MonthStatus.OPEN, MonthStatus.SUBMITTED)
        and not any(s.consultant_id == mine.pk for s in data["submissions"]),
        "can_approve": can_approve and data["status"] in (MonthStatus.OPEN, MonthStatus.SUBMITTED),
        "can_accept": may_accept(user) and data["status"] == MonthStatus.APPROVED,
        "can_reopen": (data["status"] == MonthStatus.APPROVED and can_approve)
        or (data["status"] == MonthStatus.ACCEPTED and may_accept(user)),
        "can_grant": can_approve and data["status"] in (MonthStatus.OPEN, MonthStatus.SUBMITTED),
        "reopen_form": reopen_form or ReopenForm(),
        "exception_form": exception_form or ExceptionForm(district=district),
    }
    return render(request, "approvals/month.html", context)


@login_required
def month_detail(request, code: str, month: str):
    district, first_day = access_district_month(request.user, code, month)
    return _page(request, district, first_day)


def _step(request, code: str, month: str, service, done: str):
    district, first_day = access_district_month(request.user, code, month)
    try:
        service(user=request.user, district=district, month=first_day)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("approvals:month", code=district.code, month=month)


@login_required
@require_POST
def submit(request, code: str, month: str):
    return _step(request, code, month, month_submit, _("Your part of the month is submitted."))


@login_required
@require_POST
def approve(request, code: str, month: str):
    return _step(request, code, month, month_approve, _("The month is approved and locked."))


@login_required
@require_POST
def accept(request, code: str, month: str):
    return _step(request, code, month, month_accept, _("The month is accepted."))


@login_required
@require_POST
def reopen(request, code: str, month: str):
    district, first_day = access_district_month(request.user, code, month)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            reopening = month_reopen(
                user=request.user, district=district, month=first_day, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("The month is reopened. Reports marked as affected: %(n)d.")
                % {"n": reopening.affected_reports.count()},
            )
            return redirect("approvals:month", code=district.code, month=month)
    return _page(request, district, first_day, reopen_form=form)


@login_required
@require_POST
def grant_exception(request, code: str, month: str):
    district, first_day = access_district_month(request.user, code, month)
    form = ExceptionForm(request.POST, district=district)
    if form.is_valid():
        try:
            entry_exception_grant(user=request.user, district=district, month=first_day, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The exception is granted."))
            return redirect("approvals:month", code=district.code, month=month)
    return _page(request, district, first_day, exception_form=form)
