"""Which months a change of logged work reaches: the follow-up figures' own rules for keeping the
precomputed figures true (the receivers in ``followup.upkeep`` call them; ``figures.snapshots``
stores the marks and recomputes the marked months).

Changes whose effect runs on (a guidance talk counts in every later period's "talks used"; a
circle's meetings in whether it is at its maximum) mark every month from theirs to the current one,
and changes whose effect runs back (a talk series' ORS change counts in the period of its last
scored talk; a follow-up answer in every period its caregiver was reached in) mark the months they
reach.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import TruncMonth

from caregivers.models import Caregiver, SupportContactOffer
from figures.snapshots import mark_months, month_of, months_from
from interventions.models import Contact
from outcomes.models import FollowUpAnswer


def _contact_months(contacts) -> set[tuple[int, datetime.date]]:
    """The (district, month) pairs the contacts are dated in."""
    months = contacts.annotate(month=TruncMonth("date")).values_list("district_id", "month").distinct().order_by()
    return {(district_id, month_of(month)) for district_id, month in months}


def _series_months(district_id: int, caregiver_id: int | None) -> set[tuple[int, datetime.date]]:
    """The months of a caregiver's guidance talks with an ORS in a district: where the series' ORS
    change can count (the period of its last scored talk, which an edit can move back or on)."""
    if caregiver_id is None:
        return set()
    series = Contact.objects.filter(district_id=district_id, caregiver_id=caregiver_id, talk_number__isnull=False)
    return _contact_months(series.filter(outcome_score__ors__isnull=False))


def figures_mark_contact(contact: Contact, *, series: bool = False) -> None:
    """Mark the months a contact counts in: talks and meetings count on into later periods too.

    With ``series`` (a guidance talk edited or deleted: a new talk has no score yet) also the months
    of the caregiver's scored talks in the district, where the series' ORS change may count.
    """
    onwards = contact.talk_number is not None or contact.meeting_id is not None
    pairs = {(contact.district_id, month) for month in months_from(contact.date, onwards=onwards)}
    if series and contact.talk_number is not None:
        pairs |= _series_months(contact.district_id, contact.caregiver_id)
    mark_months(pairs)


def figures_mark_talk_score(talk: Contact) -> None:
    """A talk's ORS or SRS changed: its month (talks scored) and its series' scored months."""
    mark_months({(talk.district_id, month_of(talk.date)), *_series_months(talk.district_id, talk.caregiver_id)})


def _reached_months(answers) -> set[tuple[int, datetime.date]]:
    """The months in which the answers' caregivers were reached by talks or groups in the answers'
    districts: where an answer counts (caregivers followed up count answers on or after a period's start)."""
    same = answers.filter(caregiver_id=OuterRef("caregiver_id"), district_id=OuterRef("district_id"))
    reached = Contact.objects.filter(Q(talk_number__isnull=False) | Q(meeting__isnull=False))
    return _contact_months(reached.filter(Exists(same)))


def figures_mark_followup(*, district_id: int, caregiver_id: int | None, day: datetime.date) -> None:
    """A follow-up answer changed: its month (answers), and every month its caregiver was reached by
    talks or groups in the district (``_reached_months``)."""
    pairs = {(district_id, month_of(day))}
    if caregiver_id is not None:
        pairs |= _reached_months(FollowUpAnswer.objects.filter(district_id=district_id, caregiver_id=caregiver_id))
    mark_months(pairs)


def figures_mark_offers(
    *, caregiver_ids: Iterable[int], district_ids: Iterable[int] | None = None, day: datetime.date | None = None
) -> None:
    """Caregivers' support-contact offers count in each of their districts: mark the months of their
    offers (and ``day``, an offer's date before a change) in the districts (theirs, unless given).
    Two queries however many caregivers."""
    caregiver_ids = list(caregiver_ids)
    if district_ids is None:
        links = Caregiver.districts.through.objects.filter(caregiver_id__in=caregiver_ids)
        pairs = set(links.values_list("caregiver_id", "district_id"))
    else:
        pairs = {(c, d) for c in caregiver_ids for d in district_ids}
    months: dict[int, set[datetime.date]] = defaultdict(set)
    offers = SupportContactOffer.objects.filter(caregiver_id__in=caregiver_ids)
    for caregiver_id, offered_on in offers.values_list("caregiver_id", "offered_on"):
        months[caregiver_id].add(month_of(offered_on))
    if day is not None:
        for caregiver_id in caregiver_ids:
            months[caregiver_id].add(month_of(day))
    mark_months((district_id, month) for caregiver_id, district_id in pairs for month in months[caregiver_id])


def figures_mark_districts(district_ids: Iterable[int]) -> None:
    """Every month with contacts in the districts: after rows were bulk-written past the services."""
    mark_months(_contact_months(Contact.objects.filter(district_id__in=list(district_ids))))


def figures_mark_caregiver(caregiver_id: int) -> None:
    """A caregiver's gender, age band, relation or condition changed: every month they were met in."""
    mark_months(_contact_months(Contact.objects.filter(caregiver_id=caregiver_id)))


def figures_mark_consultant(consultant_id: int) -> None:
    """A consultant's role or target group changed: figures break their work down by it (the report
    role). Marks the months of their contacts, and of their follow-up answers with the months those
    caregivers were reached (``_reached_months``). Three queries."""
    answers = FollowUpAnswer.objects.filter(consultant_id=consultant_id)
    pairs = _contact_months(Contact.objects.filter(consultant_id=consultant_id))
    pairs |= {(district_id, month_of(day)) for district_id, day in answers.values_list("district_id", "date")}
    mark_months(pairs | _reached_months(answers.exclude(caregiver=None)))
