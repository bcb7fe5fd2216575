"""Reads of the base level and of logged work; each rule and figure is defined once here."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from caregivers.models import Caregiver
from districts.models import District, Municipality, TargetGroup

from .models import Channel, Contact, DistrictOffering, Group, InterventionCode, InterventionType

# Report 000's proposal, used only before the catalogue is loaded.
_PROPOSED_CAP_RANGE = (3, 5)


def talk_cap_range() -> tuple[int, int]:
    """The range within which a district may set its cap on guidance talks (the base level's)."""
    row = InterventionType.objects.filter(code=InterventionCode.GUIDANCE_TALKS).values("cap_min", "cap_max").first()
    if not row or row["cap_min"] is None:
        return _PROPOSED_CAP_RANGE
    return row["cap_min"], row["cap_max"]


def check_talk_cap(district: District) -> None:
    """A district's own cap lies within the base level's range (registered as a district check)."""
    _check_cap_in_range(district.talk_cap, "talk_cap")


def check_default_talk_cap(municipality: Municipality) -> None:
    """A municipality's default cap lies within the base level's range (registered as a municipality check)."""
    _check_cap_in_range(municipality.talk_cap_default, "talk_cap_default")


def _check_cap_in_range(cap: int | None, field: str) -> None:
    if cap is None:
        return
    low, high = talk_cap_range()
    if not low <= cap <= high:
        raise ValidationError(
            {field: _("The cap must be between %(low)d and %(high)d talks.") % {"low": low, "high": high}}
        )


def district_offerings(*, district: District, user) -> list[DistrictOffering]:
    """What the district declares it offers, for its page."""
    return list(
        DistrictOffering.objects.filter(district=district)
        .select_related("intervention_type")
        .order_by("target_group", "intervention_type__position")
    )


def talk_cap(*, district: District, intervention_type: InterventionType) -> int:
    """The cap in force: the district's own, else its municipality's default, else the base level's."""
    if district.talk_cap is not None:
        return district.talk_cap
    if district.municipality.talk_cap_default is not None:
        return district.municipality.talk_cap_default
    return intervention_type.cap_default or intervention_type.cap_max


def intervention_types() -> QuerySet[InterventionType]:
    return InterventionType.objects.order_by("position", "name")


def contact_defaults(*, user) -> dict:
    """What the quick form starts from: today, my last channel, duration and district, advice."""
    consultant = getattr(user, "consultant", None)
    last = (
        Contact.objects.alive()
        .filter(created_by=user, meeting__isnull=True)
        .order_by("-created_at")
        .values("channel", "duration_minutes", "district_id")
        .first()
    )
    districts = list(user.districts.order_by("name").values_list("pk", flat=True))
    district = (
        last["district_id"] if last and last["district_id"] in districts else (districts[0] if districts else None)
    )
    advice = InterventionType.objects.filter(code=InterventionCode.ADVICE).values_list("pk", flat=True).first()
    return {
        "date": timezone.localdate(),
        "channel": last["channel"] if last else Channel.PHONE,
        "duration_minutes": last["duration_minutes"] if last else 15,
        "district": district,
        "intervention_type": advice,
        "consultant": consultant,
    }


def talk_status(*, caregiver, district: District) -> tuple[int, int]:
    """(talks used, cap in force) for a caregiver in a district: the form's "talk 2 of 4"."""
    talks = InterventionType.objects.filter(code=InterventionCode.GUIDANCE_TALKS).first()
    if talks is None:
        return 0, 0
    used = Contact.objects.alive().filter(caregiver=caregiver, district=district, talk_number__isnull=False).count()
    return used, talk_cap(district=district, intervention_type=talks)


# The label picker reads the scope's contacts newest first in batches of this many, at most this many
# batches, by the contacts' (district, date) index: a district's whole history is never sorted.
RECENT_BATCH = 2000
RECENT_BATCHES = 5


def recent_caregivers(*, user, limit: int = 300) -> list[Caregiver]:
    """Caregivers of the user's districts for the label picker: those met most recently in the user's
    districts first (their latest live contact there), then the others by label, ``limit`` in all."""
    contacts = (
        Contact.objects.visible_to(user)
        .alive()
        .filter(caregiver__isnull=False)
        .order_by("-date", "-pk")
        .values_list("caregiver_id", flat=True)
    )
    met: dict[int, None] = {}  # in order of their latest contact
    for batch in range(RECENT_BATCHES):
        ids = list(contacts[batch * RECENT_BATCH : (batch + 1) * RECENT_BATCH])
        met.update(dict.fromkeys(ids))
        if len(met) >= limit or len(ids) < RECENT_BATCH:
            break
    visible = Caregiver.objects.visible_to(user).not_erased().only("pk", "label")
    chosen = {c.pk: c for c in visible.filter(pk__in=list(met)[: limit * 2])}
    recent = [chosen[pk] for pk in met if pk in chosen][:limit]
    if len(recent) < limit:
        recent += list(visible.exclude(pk__in=[c.pk for c in recent]).order_by("label")[: limit - len(recent)])
    return recent


def contact_list(*, user):
    """Live contacts in the user's scope with what a list row shows, newest first."""
    return (
        Contact.objects.visible_to(user)
        .alive()
        .select_related("intervention_type", "district", "caregiver", "consultant")
        .prefetch_related("referrals")
        .order_by("-date", "-pk")
    )


def group_list(*, user):
    """Live groups and circles in scope with their number of meetings held."""
    return (
        Group.objects.visible_to(user)
        .alive()
        .select_related("district", "organiser")
        .annotate(meetings_held=Count("meetings", filter=Q(meetings__deleted_at__isnull=True)))
        .order_by("-starts_on", "name")
    )


def group_meetings(*, group, user) -> list:
    """A group's live meetings with the attendees the user may see and the contacts each logged."""
    return list(
        group.meetings.alive()
        .select_related("consultant")
        .prefetch_related(Prefetch("attendees", queryset=Caregiver.objects.visible_to(user).order_by("label")))
        .annotate(contact_count=Count("contacts", filter=Q(contacts__deleted_at__isnull=True)))
        .order_by("number")
    )


# --- The base level's coverage: what each district declares it offers ---------------------------


def coverage_matrix(district_ids: Iterable[int]) -> tuple[list[InterventionType], dict[int, list]]:
    """The base level's components and, per district, whether each is offered to the younger and the
    older target group: ``{district id: [{"under_65": bool, "over_65": bool}, ...]}``, in component order.
    """
    offered = set(DistrictOffering.objects.values_list("district_id", "intervention_type_id", "target_group"))

    def covers(district_id: int, component_id: int, group: str) -> bool:
        # An offering to everyone covers both the younger and the older target group.
        everyone = (TargetGroup.ALL, TargetGroup.ALL_EXCEPT_SUBSTANCE_ABUSE)
        return any((district_id, component_id, g) in offered for g in (group, *everyone))

    components = list(InterventionType.objects.order_by("position"))
    return components, {
        pk: [
            {"under_65": covers(pk, c.pk, TargetGroup.UNDER_65), "over_65": covers(pk, c.pk, TargetGroup.OVER_65)}
            for c in components
        ]
        for pk in district_ids
    }


def components_offered(cells: list[dict]) -> int:
    """How many base-level components a district offers (to either target group), of its
    ``coverage_matrix`` cells: the count the report's coverage table and the goals share."""
    return sum(1 for cell in cells if cell["under_65"] or cell["over_65"])
