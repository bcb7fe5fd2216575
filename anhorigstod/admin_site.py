"""The admin site: a logged-in user without admin rights gets 404, as for anything outside their scope."""

from django.contrib import admin
from django.http import Http404


class AnhorigstodAdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            user = request.user
            if user.is_authenticated and not self.has_permission(request):
                raise Http404
            return inner(request, *args, **kwargs)

        return guarded
