from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from anhorigstod.form_errors import apply_validation_error
from audit.services import record_access

from .access import access_caregiver_by_id, access_caregiver_for_change
from .extract_files import FORMATS as EXTRACT_FORMATS
from .extract_files import WRITERS as EXTRACT_WRITERS
from .extract_files import extract_file_name
from .forms import CaregiverForm, CaregiverSearchForm, ErasureForm, SupportContactForm
from .models import ErasureReason
from .selectors import caregiver_extract, caregiver_search, caregiver_timeline
from .services import caregiver_create, caregiver_erase, caregiver_update, support_contact_record


@login_required
def caregiver_list(request):
    search = CaregiverSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    page = Paginator(caregiver_search(user=request.user, query=query), 50).get_page(request.GET.get("page"))
    return render(request, "caregivers/caregiver_list.html", {"search": search, "page": page, "query": query})


@login_required
def caregiver_new(request):
    initial = {"label": request.GET.get("label", ""), "districts": request.user.districts.all()[:1]}
    form = CaregiverForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        try:
            caregiver = caregiver_create(user=request.user, **values)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("%(label)s was registered.") % {"label": caregiver.label})
            if request.POST.get("then") == "log":
                return redirect(f"{reverse('interventions:log')}?caregiver={caregiver.pk}")
            return redirect("caregivers:detail", caregiver_id=caregiver.pk)
    return render(request, "caregivers/caregiver_form.html", {"form": form})


@login_required
def caregiver_detail(request, caregiver_id: int):
    caregiver = access_caregiver_by_id(request.user, caregiver_id)
    record_access(caregiver)
    context = {
        "caregiver": caregiver,
        "support_form": SupportContactForm(user=request.user, initial={"offered_on": timezone.localdate()}),
        **caregiver_timeline(caregiver=caregiver, user=request.user),
    }
    return render(request, "caregivers/caregiver_detail.html", context)


@login_required
def caregiver_edit(request, caregiver_id: int):
    caregiver = access_caregiver_for_change(request.user, caregiver_id)
    form = CaregiverForm(request.POST or None, user=request.user, instance=caregiver)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        try:
            caregiver_update(caregiver=caregiver, user=request.user, **values)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The caregiver was changed."))
            return redirect("caregivers:detail", caregiver_id=caregiver.pk)
    return render(request, "caregivers/caregiver_form.html", {"form": form, "caregiver": caregiver})


@login_required
@require_POST
def support_contact(request, caregiver_id: int):
    caregiver = access_caregiver_for_change(request.user, caregiver_id)
    form = SupportContactForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            support_contact_record(caregiver=caregiver, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The support contact offer was recorded."))
            return redirect("caregivers:detail", caregiver_id=caregiver.pk)
    context = {
        "caregiver": caregiver,
        "support_form": form,
        **caregiver_timeline(caregiver=caregiver, user=request.user),
    }
    return render(request, "caregivers/caregiver_detail.html", context, status=400)


@login_required
@never_cache
def caregiver_extract_view(request, caregiver_id: int, file_format: str):
    """A register extract, made on request and never stored; making one is logged as a view of the data."""
    if file_format not in EXTRACT_FORMATS:
        raise Http404
    caregiver = access_caregiver_by_id(request.user, caregiver_id, permission="caregivers.extract_caregiver")
    extract = {"extracted_at": timezone.localtime().isoformat(), **caregiver_extract(caregiver)}
    response = HttpResponse(content_type=EXTRACT_FORMATS[file_format])
    EXTRACT_WRITERS[file_format](extract, response)
    response["Content-Disposition"] = f'attachment; filename="{extract_file_name(caregiver.pk, file_format)}"'
    # The audit log records the download as a view of the caregiver's data (who, when, which districts).
    record_access(caregiver)
    return response


@login_required
def caregiver_erase_view(request, caregiver_id: int):
    """Erasure on request: a page saying what goes and what stays, and a confirmed POST."""
    caregiver = access_caregiver_by_id(request.user, caregiver_id, permission="caregivers.erase_caregiver")
    # Bound even when empty: a POST without the box ticked must say why.
    form = ErasureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            caregiver_erase(caregiver, by=request.user, reason=ErasureReason.REQUEST)
            messages.success(request, _("The caregiver's identifying data was erased."))
            return redirect("caregivers:detail", caregiver_id=caregiver.pk)
        return render(request, "caregivers/caregiver_erase.html", {"caregiver": caregiver, "form": form}, status=400)
    return render(request, "caregivers/caregiver_erase.html", {"caregiver": caregiver, "form": form})
