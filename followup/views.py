from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import consultant_facts


@login_required
def overview(request):
    """The start page: the figures of the user's scope."""
    return render(request, "followup/overview.html", {"facts": consultant_facts(user=request.user)})
