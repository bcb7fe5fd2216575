from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def audit_log(request):
    return render(request, "audit/log.html")
