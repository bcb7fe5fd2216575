from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .selectors import consultant_facts


@login_required
def overview(request):
    """The start page: the figures of the user's scope."""
    return render(request, "followup/overview.html", {"facts": consultant_facts(user=request.user)})


@login_required
def start(request):
    """Where a login lands: consultants on the quick contact form, everyone else on the overview."""
    if getattr(request.user, "consultant", None) is not None:
        return redirect("interventions:log")
    return redirect("followup:overview")
