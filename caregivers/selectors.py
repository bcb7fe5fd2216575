"""Reads of caregivers: search within scope, a caregiver's timeline, register extracts and retention."""

from __future__ import annotations

import datetime
import operator
from collections.abc import Iterable
from functools import reduce

from auditlog.models import AbstractLogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from audit.models import AuditEntry

from .extensions import holdings
from .models import Caregiver, SupportContactOffer


def caregiver_search(*, user, query: str = "") -> QuerySet[Caregiver]:
    """Caregivers in the user's districts whose label starts with ``query``, recently contacted first."""
    # Erased caregivers are found by nobody: their label names no one any more.
    caregivers = Caregiver.objects.visible_to(user).not_erased().prefetch_related("districts")
    if query:
        caregivers = caregivers.annotate(lower_label=Lower("label")).filter(lower_label__startswith=query.lower())
    return caregivers.annotate(last_contact=Max("contacts__date")).order_by("-last_contact", "label")


def caregiver_timeline(*, caregiver: Caregiver, user) -> dict:
    """Everything the caregiver's page shows, in a fixed number of queries: their districts and
    support-contact offers, and what the apps above hold about them (``caregivers.extensions``: the
    contacts, talks used, meetings and referrals the user may see)."""
    districts = list(caregiver.districts.select_related("municipality").order_by("name"))
    page = {
        "districts": districts,
        "offers": list(caregiver.support_contact_offers.select_related("support_person", "support_person__user")),
    }
    for holding in holdings():
        page |= holding.page(caregiver=caregiver, user=user, districts=districts)
    return page


# --- Support contacts offered ------------------------------------------------------------------------


def support_contact_offers_made(*, start: datetime.date, end: datetime.date) -> QuerySet[SupportContactOffer]:
    """Support-contact offers made from ``start`` to ``end``: every offer counts, whatever the answer.

    Offers of erased caregivers still count (erasure keeps the statistics); an offer carries no
    district of its own, so it belongs to its caregiver's districts.
    """
    return SupportContactOffer.objects.filter(offered_on__range=(start, end))


def support_contact_offer_counts(
    *, start: datetime.date, end: datetime.date, district_ids: list[int] | None = None
) -> dict[int, int]:
    """Offers made in the range per district (of the caregiver): one query, districts without any left out.

    A caregiver of two districts has their offers counted in both; ``support_contact_offer_total``
    counts each offer once. The offers are joined to the caregivers' districts directly (the ORM's
    path would pass through the caregivers' own table, five times slower): a caregiver is in a
    district once, so each (offer, district) pair is one row.
    """
    quote = connection.ops.quote_name
    offer, member = SupportContactOffer._meta, Caregiver.districts.through._meta
    caregiver_of_offer = quote(offer.get_field("caregiver").column)
    caregiver, district = (quote(member.get_field(name).column) for name in ("caregiver", "district"))
    sql = (
        f"SELECT m.{district}, COUNT(*) FROM {quote(offer.db_table)} o "  # noqa: S608 - our own tables
        f"JOIN {quote(member.db_table)} m ON m.{caregiver} = o.{caregiver_of_offer} "
        f"WHERE o.{quote(offer.get_field('offered_on').column)} BETWEEN %s AND %s"
    )
    params: list = [start, end]
    if district_ids is not None:
        district_ids = list(district_ids)
        if not district_ids:
            return {}
        sql += f" AND m.{district} IN ({', '.join(['%s'] * len(district_ids))})"
        params += district_ids
    with connection.cursor() as cursor:
        cursor.execute(sql + " GROUP BY 1", params)
        return dict(cursor.fetchall())


def support_contact_offer_total(
    *, start: datetime.date, end: datetime.date, municipality_ids: Iterable[int] | QuerySet
) -> int:
    """Offers made in the range in the whole city (to the caregivers of ``municipality_ids``: ids or a
    subquery of them), each once, though a caregiver may belong to several of its districts, or to none
    any more."""
    return (
        support_contact_offers_made(start=start, end=end)
        .filter(caregiver__municipality_id__in=municipality_ids)
        .count()
    )


# --- Register extract (registerutdrag) ------------------------------------------------------------

# The audit log's actions (django-auditlog's) as words that mean the same in any language.
AUDIT_ACTIONS = {
    AbstractLogEntry.Action.CREATE: "create",
    AbstractLogEntry.Action.UPDATE: "update",
    AbstractLogEntry.Action.DELETE: "delete",
    AbstractLogEntry.Action.ACCESS: "access",
}


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _moment(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value is not None else None


def _audit_entries(caregiver: Caregiver) -> list[dict]:
    """The audit log's entries about the caregiver: when, what and by which role (never by whom)."""
    entries = (
        AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Caregiver), object_id=caregiver.pk)
        .select_related("actor")
        .order_by("timestamp", "pk")
    )
    return [
        {
            "at": _moment(entry.timestamp),
            "action": AUDIT_ACTIONS.get(entry.action, str(entry.action)),
            "by_role": entry.actor.role if entry.actor is not None else None,
        }
        for entry in entries
    ]


def caregiver_extract(caregiver: Caregiver) -> dict:
    """Everything held about one caregiver, in every district, as plain data with language-free keys.

    Dates are ISO 8601; choices are their codes. Deleted (withdrawn) contacts and meetings are left
    out: they no longer count anywhere. Of an erased caregiver only the fact of the erasure is given:
    nothing identifying is left to extract.
    """
    if caregiver.erased_at is not None:
        return {"caregiver": {"id": caregiver.pk, "erased": True, "erased_at": _moment(caregiver.erased_at)}}
    districts = list(caregiver.districts.select_related("municipality").order_by("name"))
    offers = caregiver.support_contact_offers.select_related("support_person").order_by("offered_on", "pk")
    return {
        "caregiver": {
            "id": caregiver.pk,
            "label": caregiver.label,
            "birth_year": caregiver.birth_year,
            "age_band": caregiver.age_band,
            "gender": caregiver.gender,
            "relation": caregiver.relation,
            "condition": caregiver.condition,
            "target_group": caregiver.target_group,
            "districts": [{"code": d.code, "name": d.name} for d in districts],
            "created_at": _moment(caregiver.created_at),
            "updated_at": _moment(caregiver.updated_at),
            "erased": False,
            "erased_at": None,
        },
        "support_contact_offers": [
            {
                "offered_on": _date(o.offered_on),
                "status": o.status,
                "answered_on": _date(o.answered_on),
                "support_contact": o.support_person.ref if o.support_person else None,
            }
            for o in offers
        ],
        # The contacts and meetings attended (``caregivers.extensions``), before the audit log.
        **{part: rows for holding in holdings() for part, rows in holding.extract(caregiver=caregiver).items()},
        "audit_log": _audit_entries(caregiver),
    }


# --- Retention -------------------------------------------------------------------------------------


def retention_cutoff(*, today: datetime.date, years: int) -> datetime.date:
    """The day ``years`` years before ``today`` (29 February falls back to the 28th)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def caregivers_past_retention(*, cutoff: datetime.date) -> QuerySet[Caregiver]:
    """The retention rule: caregivers not yet erased with no contact on or after ``cutoff``.

    A contact is what the apps holding rows about caregivers say (``caregivers.extensions``: a live
    contact or a live group meeting attended). A caregiver never contacted is past retention when
    registered before ``cutoff``.
    """
    met_since = [met for holding in holdings() for met in holding.met(cutoff)]
    met_ever = [met for holding in holdings() for met in holding.met(None)]
    registered_before = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
    return (
        Caregiver.objects.not_erased()
        .filter(*(~met for met in met_since))
        .filter(reduce(operator.or_, met_ever, Q(created_at__lt=registered_before)))
    )
