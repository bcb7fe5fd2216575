from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from anhorigstod.pagination import CappedPaginator

from .filters import AuditEntryFilter
from .selectors import audit_entries, audit_rows


@login_required
def audit_log(request):
    """The audit log: managers read their districts' entries, strategists and administrators all."""
    if not request.user.has_perm("audit.view_auditentry"):
        raise Http404
    audit_filter = AuditEntryFilter(request.GET, queryset=audit_entries(user=request.user), request=request)
    # Wrong filter input shows its error and no entries, rather than entries it did not ask for.
    entries = audit_filter.qs if audit_filter.is_valid() else audit_filter.queryset.none()
    page = CappedPaginator(entries, 50).get_page(request.GET.get("page"))
    context = {"filter": audit_filter, "page": page, "rows": audit_rows(page.object_list)}
    return render(request, "audit/log.html", context)
