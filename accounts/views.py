from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def security(request):
    return render(request, "accounts/security.html")
