"""The admin site: a logged-in user without admin rights gets 404, as for anything outside their scope."""

from django.contrib import admin
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404

# Django's own model pages check the permission before they say whether an object exists.
_CHECKS_PERMISSION_FIRST = frozenset({"changelist_view", "add_view", "change_view", "delete_view"})


class AnhorigstodAdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)
        model_admin = getattr(view, "__self__", None)
        # Other model pages (the history, third-party pages such as a TOTP device's QR code) look the
        # object up first: a role without the model's permission would tell an existing id (403) from
        # a missing one (a redirect, or a server error). Ask for the permission first there.
        permission_first = isinstance(model_admin, admin.ModelAdmin) and view.__name__ not in _CHECKS_PERMISSION_FIRST

        def guarded(request, *args, **kwargs):
            user = request.user
            if user.is_authenticated and not self.has_permission(request):
                raise Http404
            if permission_first and user.is_authenticated and not model_admin.has_view_or_change_permission(request):
                raise PermissionDenied
            try:
                return inner(request, *args, **kwargs)
            except ObjectDoesNotExist:
                # A page that fetches with .get() (django-otp's device pages): a missing id is a 404.
                raise Http404 from None

        return guarded


class ReadOnlyAdminMixin:
    """For records (logged work, the audit log, erasures): seen in the admin, never added, changed or
    deleted by hand, superusers included."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FormUserMixin:
    """Gives the admin's form the user who is saving, as ``form.user``: the services' rules that the
    form's clean() applies (who may set what, in which districts) need to know who asks."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})
