"""The one place that decides which districts a user may see.

Every view, form choice list, admin changelist and export reaches data through
``scope_to_user`` (usually as ``Model.objects.visible_to(user)``) or an app's ``access.py``,
which builds on it. Models declare how they reach a district with ``district_scope_paths``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .models import Role

_CACHE_ATTR = "_district_scope_cache"
_MUNICIPALITY_CACHE_ATTR = "_municipality_scope_cache"
_ONLY_MUNICIPALITY_CACHE_ATTR = "_only_municipality_cache"
_FALLBACK_CACHE_ATTR = "_fallback_municipality_cache"


class _System:
    """The whole city, for management commands and tasks acting for nobody in particular."""

    is_authenticated = True
    is_active = True
    is_city_wide = True

    def __repr__(self) -> str:
        return "SYSTEM"


# Pass SYSTEM where no user is involved (commands, scheduled jobs); never from a request.
SYSTEM = _System()


def district_ids_in_scope(user, *, personal_data: bool = False) -> frozenset[int] | None:
    """Return the ids of the districts ``user`` may see, or ``None`` for every district (``SYSTEM`` only).

    Strategists and administrators see every district of their municipality in aggregate, but
    personal data (caregivers) only in the districts they themselves serve: nobody sees another
    district's caregivers, and nobody sees anything of another municipality.
    """
    if user is SYSTEM:
        return None
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_city_wide and not personal_data:
        return municipality_district_ids(user)
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = frozenset(user.districts.values_list("pk", flat=True))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def user_municipality_id(user) -> int | None:
    """The municipality ``user`` works in. A user with none (the first administrator, made before any
    reference data) works in the installation's municipality while there is only one; with several,
    in none."""
    if getattr(user, "role", None) == Role.ANALYST:
        return None  # a regional analyst stands above the municipalities, in none of them
    municipality_id = getattr(user, "municipality_id", None)
    if municipality_id is None and user is not SYSTEM and getattr(user, "is_authenticated", False):
        cached = getattr(user, _FALLBACK_CACHE_ATTR, False)
        if cached is False:  # read once per user object (None is an answer: no municipality)
            only = list(apps.get_model("districts", "Municipality").objects.values_list("pk", flat=True)[:2])
            cached = only[0] if len(only) == 1 else None
            setattr(user, _FALLBACK_CACHE_ATTR, cached)
        municipality_id = cached
    return municipality_id


def municipality_district_ids(user) -> frozenset[int]:
    """The districts of the user's municipality (none for a user without one), read once per user object."""
    cached = getattr(user, _MUNICIPALITY_CACHE_ATTR, None)
    if cached is None:
        municipality_id = user_municipality_id(user)
        district = apps.get_model("districts", "District")
        cached = frozenset(
            district.objects.filter(municipality_id=municipality_id).values_list("pk", flat=True)
            if municipality_id is not None
            else ()
        )
        setattr(user, _MUNICIPALITY_CACHE_ATTR, cached)
    return cached


def forget_scope(user) -> None:
    """Drop the cached scope, after the user's districts or municipality changed."""
    for attr in (_CACHE_ATTR, _MUNICIPALITY_CACHE_ATTR, _ONLY_MUNICIPALITY_CACHE_ATTR, _FALLBACK_CACHE_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def _crosses_to_many(model, path: str) -> bool:
    """Whether a district path passes a to-many relation (a caregiver's districts), where a join would
    repeat a row once per related row."""
    for name in path.split("__"):
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        if field.many_to_many or field.one_to_many:
            return True
        model = field.related_model
        if model is None:
            return False
    return False


def scope_to_user(queryset: models.QuerySet, user, *, personal_data: bool | None = None) -> models.QuerySet:
    """Narrow ``queryset`` to the rows ``user`` may see, through the model's district paths.

    Models holding personal data (caregivers, contacts) say so with ``district_scope_personal_data``:
    their rows are seen only in the user's own districts. Aggregate figures over such rows pass
    ``personal_data=False`` explicitly, since a count reveals nobody.
    """
    model = queryset.model
    if personal_data is None:
        personal_data = getattr(model, "district_scope_personal_data", False)
    ids = district_ids_in_scope(user, personal_data=personal_data)
    if ids is None:
        return queryset
    paths: Iterable[str] = model.district_scope_paths
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{path}__in": ids})
    if _sees_shared_rows(model, user):
        # Rows for the whole municipality (a district path that is empty: a city-wide goal or template)
        # are visible to everyone of that municipality, and to nobody of another.
        within = getattr(model, "district_scope_shared_within", "municipality")
        municipality_id = user_municipality_id(user)
        ours = Q(**{f"{within}_id": municipality_id})
        if within != "municipality" and _only_municipality(user):
            # A row of no one's municipality (an audit entry made by no one, as of a user created by a
            # command) is the installation's; while it has one municipality, that one's.
            ours |= Q(**{f"{within}_id__isnull": True})
        for path in paths:
            condition |= Q(**{f"{path}__isnull": True}) & ours
    direct = not any(_crosses_to_many(model, path) for path in paths)
    # Paths along foreign keys only (a contact's district) filter the rows themselves, which lets the
    # database use the district's indexes; a path across a to-many relation needs the subquery below.
    visible = queryset.filter(condition) if direct else model._default_manager.filter(condition)
    if getattr(model, "district_scope_requires_all", False):
        # A row about several districts at once (a report) is seen only by a user who may see all of
        # them: it must reach no district outside the scope. (A separate exclude(): within one
        # filter() Django would read both conditions as about the same related row.)
        district = apps.get_model("districts", "District")
        outside = district.objects.exclude(pk__in=ids).values("pk")
        for path in paths:
            visible = visible.exclude(**{f"{path}__in": outside})
    if direct:
        return visible
    through = _through_rows(model, paths, ids)
    if through is not None and not getattr(model, "district_scope_requires_all", False):
        return queryset.filter(pk__in=through)
    # A subquery rather than a join keeps one row per object when a path crosses a to-many relation.
    return queryset.filter(pk__in=visible.values("pk"))


def _only_municipality(user) -> bool:
    """Whether the installation holds one municipality (or none), read once per user object."""
    cached = getattr(user, _ONLY_MUNICIPALITY_CACHE_ATTR, None)
    if cached is None:
        cached = apps.get_model("districts", "Municipality").objects.count() <= 1
        setattr(user, _ONLY_MUNICIPALITY_CACHE_ATTR, cached)
    return cached


def _sees_shared_rows(model, user) -> bool:
    """Whether ``user`` sees the model's rows of no district: everyone of the municipality, or (where the
    model says ``district_scope_shared_readers = "city_wide"``) its strategists and administrators."""
    if not getattr(model, "district_scope_includes_shared", False):
        return False
    readers = getattr(model, "district_scope_shared_readers", "everyone")
    return readers == "everyone" or getattr(user, "is_city_wide", False)


def _through_rows(model, paths: Iterable[str], ids: frozenset[int]) -> models.QuerySet | None:
    """For a model whose one district path is its own many-to-many field (a caregiver's districts):
    its ids read from the link table alone. The general subquery joins the model's table again, which
    the planner answers by reading the whole table (75 ms for a district's caregivers at 1M contacts,
    against 6 ms from the link table's district index)."""
    paths = tuple(paths)
    if len(paths) != 1 or "__" in paths[0] or getattr(model, "district_scope_includes_shared", False):
        return None
    field = model._meta.get_field(paths[0])
    if not field.many_to_many or field.auto_created:  # a reverse relation has no link table of its own
        return None
    link = field.remote_field.through
    return link._default_manager.filter(**{f"{field.m2m_reverse_field_name()}__in": ids}).values(field.m2m_field_name())


class DistrictScopedQuerySet(models.QuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return scope_to_user(self, user)


class DistrictScopedAdmin(admin.ModelAdmin):
    """An admin whose changelist, object pages and relation choices follow the user's scope.

    An object outside the scope answers 404, like a missing one.
    """

    def get_queryset(self, request):
        return scope_to_user(super().get_queryset(request), request.user)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("No such object."))
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        _scope_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        _scope_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class DistrictScopedInline(admin.TabularInline):
    """An inline that shows and offers only rows within the user's scope."""

    extra = 0

    def get_queryset(self, request):
        return scope_to_user(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        _scope_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def in_users_municipality(form: type, user) -> type:
    """An admin form whose new row without a district (a goal or template of the whole municipality)
    is the user's municipality's. Rows with a district take the district's in their own ``clean``."""
    municipality_id = user_municipality_id(user)

    class InUsersMunicipality(form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.instance.municipality_id is None:
                self.instance.municipality_id = municipality_id

    return InUsersMunicipality


def _scope_choices(db_field, request, kwargs: dict) -> None:
    related = db_field.remote_field.model
    if "queryset" not in kwargs and hasattr(related, "district_scope_paths"):
        kwargs["queryset"] = scope_to_user(related._default_manager.all(), request.user)
