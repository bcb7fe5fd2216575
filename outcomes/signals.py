"""Keeping the precomputed outcome figures stale-marked (``followup.snapshots``).

Scores and answers are written by the services and corrected or deleted in the admin; receivers
catch every path. They stay thin: which months a change reaches is the snapshots' rule. A change
marks where the row counted before it (``pre_save``) and where it counts after; marks are rows in
the same transaction, so a refused or rolled-back write leaves none.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from followup.snapshots import figures_mark_followup, figures_mark_talk_score
from interventions.models import Contact

from .models import FollowUpAnswer, TalkScore


def _mark_talk(talk_id: int) -> None:
    talk = Contact.objects.filter(pk=talk_id).only("district_id", "caregiver_id", "date").first()
    if talk is not None:  # gone with its talk: the talk's own deletion marks its months
        figures_mark_talk_score(talk)


@receiver(pre_save, sender=TalkScore)
def _talk_score_before(sender, instance: TalkScore, raw: bool = False, **kwargs) -> None:
    if instance.pk and not raw:
        old = TalkScore.objects.filter(pk=instance.pk).values_list("talk_id", flat=True).first()
        if old is not None and old != instance.talk_id:
            _mark_talk(old)


@receiver(post_save, sender=TalkScore)
@receiver(post_delete, sender=TalkScore)
def _talk_score_after(sender, instance: TalkScore, raw: bool = False, **kwargs) -> None:
    if not raw:
        _mark_talk(instance.talk_id)


def _mark_answer(district_id: int, caregiver_id: int | None, date) -> None:
    figures_mark_followup(district_id=district_id, caregiver_id=caregiver_id, day=date)


@receiver(pre_save, sender=FollowUpAnswer)
def _answer_before(sender, instance: FollowUpAnswer, raw: bool = False, **kwargs) -> None:
    if instance.pk and not raw:
        old = FollowUpAnswer.objects.filter(pk=instance.pk).values_list("district_id", "caregiver_id", "date").first()
        if old is not None and old != (instance.district_id, instance.caregiver_id, instance.date):
            _mark_answer(*old)


@receiver(post_save, sender=FollowUpAnswer)
@receiver(post_delete, sender=FollowUpAnswer)
def _answer_after(sender, instance: FollowUpAnswer, raw: bool = False, **kwargs) -> None:
    if not raw:
        _mark_answer(instance.district_id, instance.caregiver_id, instance.date)
