"""Keeping the facts true: the one way every change of logged work reaches the figures.

The domain apps never call the figures engine. They write their rows, and Django's model signals
(or, for bulk writes that send none, the app's own signal, ``interventions.signals.contacts_bulk_written``)
tell the receivers here, which keep the facts (``figures.facts``) in the writing transaction. Every
path is caught alike: the services, the admin, the demo generators. A change takes away what the row
counted before it (``pre_save``, from the stored row) and adds what it counts after, so a refused or
rolled-back write changes nothing.

What the figures read beside the facts (consultants' roles, intervention types, caregivers' attribute
sets) needs nothing here: the figures kept per district are keyed by those tables' own versions
(``figures.moment_cache.kept_per_district``).
"""

from __future__ import annotations

from collections import Counter

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from approvals.models import MonthReopening, MonthStatus
from approvals.selectors import month_end
from approvals.signals import month_reopened
from caregivers.models import Caregiver
from figures.facts import attributes_change, facts_change
from interventions.models import Contact, Group, Referral
from interventions.signals import contacts_bulk_written
from outcomes.models import FollowUpAnswer, TalkScore

from .models import FollowupReport, ReportStatus
from .occasions import (
    answer_occasions,
    answers_still_met,
    caregiver_attributes,
    occasions_still_met,
    series_occasions,
)

# --- Contacts -----------------------------------------------------------------------------------
# A contact is an occasion in the facts, kept here in the writing transaction. Its keys depend on its
# caregiver's other contacts in the district (its series: a talk's rank, a referral after the cap), so
# a write recomputes the occasions of the series it touches before the write (``pre_save``) and after
# it, and the facts take the difference.


def _keep_facts(*, added: list, removed: list, still_met=occasions_still_met) -> None:
    # What both sides share counts as it did: an edit of a note, or the rest of a series, changes no fact.
    after, before = Counter(added), Counter(removed)
    added, removed = list((after - before).elements()), list((before - after).elements())
    if added or removed:
        facts_change(added=added, removed=removed, still_met=still_met)


def _before(instance, pairs: set, contact_ids: list) -> None:
    instance._facts_before = (pairs, contact_ids, series_occasions(pairs=pairs, contact_ids=contact_ids))


def _after(instance) -> None:
    if "_facts_before" in instance.__dict__:
        pairs, contact_ids, before = instance.__dict__.pop("_facts_before")
        _keep_facts(added=series_occasions(pairs=pairs, contact_ids=contact_ids), removed=before)


@receiver(pre_save, sender=Contact)
def _contact_before(sender, instance: Contact, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    pairs = {(instance.caregiver_id, instance.district_id)}
    if instance.pk:
        stored = Contact.objects.filter(pk=instance.pk).values_list("caregiver_id", "district_id").first()
        if stored is not None:
            pairs.add(stored)
    _before(instance, pairs, [instance.pk])


@receiver(post_save, sender=Contact)
def _contact_saved(sender, instance: Contact, raw: bool = False, created: bool = False, **kwargs) -> None:
    if raw:
        return
    pairs, contact_ids, before = instance._facts_before
    instance._facts_before = (pairs, [*contact_ids, instance.pk], before)  # a new contact has its id now
    _after(instance)


@receiver(pre_delete, sender=Contact)
def _contact_deleting(sender, instance: Contact, **kwargs) -> None:
    _before(instance, {(instance.caregiver_id, instance.district_id)}, [instance.pk])


@receiver(post_delete, sender=Contact)
def _contact_deleted(sender, instance: Contact, **kwargs) -> None:
    _after(instance)


@receiver(contacts_bulk_written, sender=Contact)
def _contacts_bulk(sender, contacts: list[Contact], action: str, **kwargs) -> None:
    # A meeting's attendees: in no talk series and with no referral, so their own occasions are all
    # that changes. Created ones count from now on; deleted ones (already written so) no longer do.
    ids = [contact.pk for contact in contacts]
    if action == "create":
        _keep_facts(added=series_occasions(contact_ids=ids), removed=[])
    elif action == "delete":
        _keep_facts(added=[], removed=series_occasions(contact_ids=ids, deleted=True))


# A referral changes its contact's keys (and, to healthcare, its series' after the cap).
def _referral_series(instance: Referral) -> tuple[set, list]:
    contact = Contact.objects.filter(pk=instance.contact_id).values("caregiver_id", "district_id").first() or {}
    return {(contact.get("caregiver_id"), contact.get("district_id"))}, [instance.contact_id]


@receiver(pre_save, sender=Referral)
def _referral_before(sender, instance: Referral, raw: bool = False, **kwargs) -> None:
    if not raw:
        _before(instance, *_referral_series(instance))


@receiver(pre_delete, sender=Referral)
def _referral_deleting(sender, instance: Referral, origin=None, **kwargs) -> None:
    # Deleted with its contact: the contact's own receivers count the change once.
    if not isinstance(origin, Contact) and getattr(origin, "model", None) is not Contact:
        _before(instance, *_referral_series(instance))


@receiver(post_save, sender=Referral)
@receiver(post_delete, sender=Referral)
def _referral_after(sender, instance: Referral, raw: bool = False, **kwargs) -> None:
    if not raw:
        _after(instance)


# --- Groups -------------------------------------------------------------------------------------
# A meeting's occasions carry its group's kind: a change of kind (an admin's edit) re-keys them.
@receiver(pre_save, sender=Group)
def _group_before(sender, instance: Group, raw: bool = False, **kwargs) -> None:
    if raw or not instance.pk:
        return
    stored = Group.objects.filter(pk=instance.pk).values_list("kind", flat=True).first()
    if stored is not None and stored != instance.kind:
        _before(
            instance, set(), list(Contact.objects.filter(meeting__group_id=instance.pk).values_list("pk", flat=True))
        )


@receiver(post_save, sender=Group)
def _group_after(sender, instance: Group, raw: bool = False, **kwargs) -> None:
    if not raw:
        _after(instance)


# --- Caregivers -----------------------------------------------------------------------------------
# Figures break caregivers down by these: a change moves the caregiver between the attribute sets.
_CAREGIVER_FIELDS = ("gender", "age_band", "relation", "condition")


@receiver(pre_save, sender=Caregiver)
def _caregiver_changed(sender, instance: Caregiver, raw: bool = False, **kwargs) -> None:
    if raw or not instance.pk:
        return
    stored = Caregiver.objects.filter(pk=instance.pk).values(*_CAREGIVER_FIELDS).first()
    if stored is not None:
        instance._attributes_before = caregiver_attributes(stored)


@receiver(post_save, sender=Caregiver)
def _caregiver_saved(sender, instance: Caregiver, raw: bool = False, created: bool = False, **kwargs) -> None:
    if not raw:
        before = instance.__dict__.pop("_attributes_before", None)
        attributes_change(caregiver_id=instance.pk, before=before, after=caregiver_attributes(instance))


@receiver(pre_delete, sender=Caregiver)
def _caregiver_deleting(sender, instance: Caregiver, **kwargs) -> None:
    # Their contacts and answers stay, anonymous (SET_NULL, by UPDATEs that send no signal).
    contacts = list(Contact.objects.filter(caregiver_id=instance.pk).values_list("pk", "district_id"))
    _before(instance, {(instance.pk, district_id) for _pk, district_id in contacts}, [pk for pk, _d in contacts])
    answers = FollowUpAnswer.objects.filter(caregiver_id=instance.pk)
    instance._answers_before = (list(answers.values_list("pk", flat=True)), answer_occasions(answers))


@receiver(post_delete, sender=Caregiver)
def _caregiver_deleted(sender, instance: Caregiver, **kwargs) -> None:
    _after(instance)
    answer_ids, before = instance.__dict__.pop("_answers_before", ([], []))
    if answer_ids:
        _keep_facts(
            added=answer_occasions(FollowUpAnswer.objects.filter(pk__in=answer_ids)),
            removed=before,
            still_met=answers_still_met,
        )
    attributes_change(caregiver_id=instance.pk, before=caregiver_attributes(instance), after=None)


# --- Outcome scores and follow-up answers -------------------------------------------------------
# A score changes its talk's keys (scored, and its series' ORS change): the talk's series is recomputed
# as for a referral. An answer is an occasion of its own (``answer_occasions``).
def _talk_series(talk_ids: list[int]) -> tuple[set, list]:
    talks = Contact.objects.filter(pk__in=talk_ids).values_list("caregiver_id", "district_id")
    return set(talks), talk_ids


@receiver(pre_save, sender=TalkScore)
def _talk_score_before(sender, instance: TalkScore, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    talk_ids = [instance.talk_id]
    if instance.pk:
        old = TalkScore.objects.filter(pk=instance.pk).values_list("talk_id", flat=True).first()
        if old is not None and old != instance.talk_id:
            talk_ids.append(old)
    _before(instance, *_talk_series(talk_ids))


@receiver(pre_delete, sender=TalkScore)
def _talk_score_deleting(sender, instance: TalkScore, origin=None, **kwargs) -> None:
    # Deleted with its talk: the talk's own receivers count the change once.
    if not isinstance(origin, Contact) and getattr(origin, "model", None) is not Contact:
        _before(instance, *_talk_series([instance.talk_id]))


@receiver(post_save, sender=TalkScore)
@receiver(post_delete, sender=TalkScore)
def _talk_score_after(sender, instance: TalkScore, raw: bool = False, **kwargs) -> None:
    if not raw:
        _after(instance)


@receiver(pre_save, sender=FollowUpAnswer)
def _answer_before(sender, instance: FollowUpAnswer, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    instance._facts_before = answer_occasions(FollowUpAnswer.objects.filter(pk=instance.pk)) if instance.pk else []


@receiver(pre_delete, sender=FollowUpAnswer)
def _answer_deleting(sender, instance: FollowUpAnswer, **kwargs) -> None:
    instance._facts_before = answer_occasions(FollowUpAnswer.objects.filter(pk=instance.pk))


@receiver(post_save, sender=FollowUpAnswer)
@receiver(post_delete, sender=FollowUpAnswer)
def _answer_after(sender, instance: FollowUpAnswer, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    before = instance.__dict__.pop("_facts_before", [])
    saved = kwargs.get("signal") is post_save
    after = answer_occasions(FollowUpAnswer.objects.filter(pk=instance.pk)) if saved else []
    _keep_facts(added=after, removed=before, still_met=answers_still_met)


# --- Compiled reports ---------------------------------------------------------------------------
def reports_using(*, district_id: int, month) -> models.QuerySet[FollowupReport]:
    """The compiled reports whose scope includes the district and whose period overlaps the month."""
    return FollowupReport.objects.filter(
        status=ReportStatus.DONE, districts=district_id, period_start__lte=month_end(month), period_end__gte=month
    ).distinct()


@receiver(month_reopened, sender=MonthReopening)
def _month_reopened(sender, reopening: MonthReopening, **kwargs) -> None:
    # An accepted month was in the reports compiled since: they are marked affected.
    if reopening.from_status == MonthStatus.ACCEPTED:
        reopening.affected_reports.set(reports_using(district_id=reopening.district_id, month=reopening.month))
