from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render

from .access import access_district_by_code
from .selectors import district_detail as district_detail_data
from .selectors import district_list as district_list_data


@login_required
@permission_required("districts.view_district", raise_exception=True)
def district_list(request):
    return render(request, "districts/district_list.html", {"districts": district_list_data(user=request.user)})


@login_required
@permission_required("districts.view_district", raise_exception=True)
def district_detail(request, code: str):
    district = access_district_by_code(request.user, code)
    context = {"district": district, **district_detail_data(district=district, user=request.user)}
    return render(request, "districts/district_detail.html", context)
