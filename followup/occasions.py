"""Logged contacts as the figures engine's occasions (``figures.facts``), and caregivers' attributes as
its attribute sets: the one translation, used by the upkeep and by the rebuild alike."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.db.models import Q

from caregivers.models import Caregiver
from districts.models import District
from figures.facts import Occasion, attributes_rebuild, facts_rebuild_district
from interventions.models import Contact

# A contact's keys in the facts' dimensions: who logged it on which channel (their role and target group
# are read when the figures are, so a consultant's change of role needs no rewrite), and its intervention type.
CONSULTANT_CHANNEL = "cc"
INTERVENTION = "it"
# The fields an occasion is made of.
OCCASION_FIELDS = (
    "district_id", "date", "target_group", "caregiver_id", "duration_minutes", "consultant_id", "channel",
    "intervention_type_id", "deleted_at",
)  # fmt: skip
# The caregivers' attributes the figures break unique caregivers down by.
CAREGIVER_ATTRIBUTES = ("gender", "age_band", "relation", "condition")


def _occasion(district_id, day, target_group, caregiver_id, minutes, consultant_id, channel, type_id) -> Occasion:
    return Occasion(
        district_id=district_id,
        day=day,
        target_group=target_group,
        caregiver_id=caregiver_id,
        minutes=minutes,
        keys=((CONSULTANT_CHANNEL, f"{consultant_id}:{channel}"), (INTERVENTION, str(type_id))),
    )


def occasion_of(values: dict) -> Occasion | None:
    """The occasion of a contact's ``OCCASION_FIELDS`` values; None for a deleted contact (it counts nowhere)."""
    if values.get("deleted_at") is not None:
        return None
    return _occasion(*(values[name] for name in OCCASION_FIELDS[:-1]))


def contact_values(contact: Contact) -> dict:
    return {name: getattr(contact, name) for name in OCCASION_FIELDS}


def occasions_still_met(pairs: set[tuple[int, int]], first: datetime.date, last: datetime.date) -> list[Occasion]:
    """The live contacts of these (caregiver, district) pairs between two days, as occasions."""
    q = Q(pk__in=[])
    for caregiver_id, district_id in pairs:
        q |= Q(caregiver_id=caregiver_id, district_id=district_id)
    rows = Contact.objects.filter(q, deleted_at__isnull=True, date__range=(first, last))
    return [_occasion(*row) for row in rows.values_list(*OCCASION_FIELDS[:-1])]


def _occasions_of_district(contacts, district_id: int) -> Iterator[Occasion]:
    rows = contacts.filter(district_id=district_id, deleted_at__isnull=True).values_list(*OCCASION_FIELDS[:-1])
    for row in rows.order_by().iterator(chunk_size=20_000):
        yield _occasion(*row)


def caregiver_attributes(caregiver: Caregiver | dict) -> dict[str, str]:
    get = caregiver.get if isinstance(caregiver, dict) else lambda name: getattr(caregiver, name)
    return {name: str(get(name)) for name in CAREGIVER_ATTRIBUTES}


def facts_rebuild(*, district_ids: Iterable[int] | None = None, contacts=None, caregivers=None, districts=None) -> int:
    """Recompute the facts from the rows: every district's occasions (or those given) and the
    caregivers' attribute sets. Return the cells written. The managers can be a migration's models."""
    contacts = Contact.objects if contacts is None else contacts
    caregivers = Caregiver.objects if caregivers is None else caregivers
    districts = District.objects if districts is None else districts
    if district_ids is None:
        district_ids = list(districts.order_by("pk").values_list("pk", flat=True))
    cells = sum(facts_rebuild_district(d, _occasions_of_district(contacts, d)) for d in district_ids)
    rows = caregivers.values_list("pk", *CAREGIVER_ATTRIBUTES).order_by().iterator(chunk_size=20_000)
    attributes_rebuild(
        (name, str(value), pk) for pk, *values in rows for name, value in zip(CAREGIVER_ATTRIBUTES, values, strict=True)
    )
    return cells
