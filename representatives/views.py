from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from anhorigstod.form_errors import apply_validation_error

from .access import (
    CHANGE_PERMISSION,
    TRAINING_PERMISSION,
    access_register,
    access_register_for_change,
    access_representative_for_change,
)
from .forms import RepresentativeForm, TrainingForm
from .selectors import register_list, representative_figures, trainings_list
from .services import representative_create, representative_training_record, representative_update


@login_required
def register(request, code: str):
    """A district's representatives, with their refresher dates, and its latest trainings."""
    district = access_register(request.user, code)
    today = timezone.localdate()
    context = {
        "district": district,
        "representatives": list(register_list(district=district, on=today)),
        "figures": representative_figures(district_ids=[district.pk], on=today)[district.pk],
        "trainings": trainings_list(district=district),
        "can_change": request.user.has_perm(CHANGE_PERMISSION),
        "can_train": request.user.has_perm(TRAINING_PERMISSION),
    }
    return render(request, "representatives/register.html", context)


@login_required
def representative_new(request, code: str):
    district = access_register_for_change(request.user, code)
    form = RepresentativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            representative = representative_create(district=district, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("%(label)s was added to the register.") % {"label": representative})
            return redirect("representatives:register", code=district.code)
    return render(request, "representatives/representative_form.html", {"form": form, "district": district})


@login_required
def representative_edit(request, code: str, representative_id: int):
    district = access_register_for_change(request.user, code)
    representative = access_representative_for_change(request.user, district, representative_id)
    form = RepresentativeForm(request.POST or None, instance=representative)
    if request.method == "POST" and form.is_valid():
        try:
            representative_update(representative=representative, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The representative was changed."))
            return redirect("representatives:register", code=district.code)
    context = {"form": form, "district": district, "representative": representative}
    return render(request, "representatives/representative_form.html", context)


@login_required
def training_new(request, code: str):
    district = access_register_for_change(request.user, code, TRAINING_PERMISSION)
    form = TrainingForm(request.POST or None, district=district, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        network = values.pop("network")
        districts = [district, *(network.districts.exclude(pk=district.pk) if network else ())]
        try:
            training = representative_training_record(user=request.user, districts=districts, network=network, **values)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            n = training.representatives.count()
            text = ngettext(
                "The training was recorded: %(n)d representative trained.",
                "The training was recorded: %(n)d representatives trained.",
                n,
            )
            messages.success(request, text % {"n": n})
            return redirect("representatives:register", code=district.code)
    return render(request, "representatives/training_form.html", {"form": form, "district": district})
