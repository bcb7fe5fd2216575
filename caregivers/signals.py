"""Keeping the precomputed support-contact offers stale-marked (``followup.snapshots``).

An offer counts in each of its caregiver's districts, so both an offer's write (service or admin)
and a change of the caregiver's districts move the figures. The receivers stay thin: which months a
change reaches is the snapshots' rule. Marks are rows in the same transaction as the change.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from followup.snapshots import figures_mark_offers

from .models import Caregiver, SupportContactOffer


@receiver(pre_save, sender=SupportContactOffer)
def _offer_before(sender, instance: SupportContactOffer, raw: bool = False, **kwargs) -> None:
    if instance.pk and not raw:
        old = SupportContactOffer.objects.filter(pk=instance.pk).values_list("caregiver_id", "offered_on").first()
        if old is not None and old != (instance.caregiver_id, instance.offered_on):
            figures_mark_offers(caregiver_ids=[old[0]], day=old[1])


@receiver(post_save, sender=SupportContactOffer)
@receiver(post_delete, sender=SupportContactOffer)
def _offer_after(sender, instance: SupportContactOffer, raw: bool = False, **kwargs) -> None:
    if not raw:
        figures_mark_offers(caregiver_ids=[instance.caregiver_id], day=instance.offered_on)


@receiver(m2m_changed, sender=Caregiver.districts.through)
def _districts_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:  # from a district's side: pk_set are caregivers (all of them, before a clear)
        caregiver_ids = instance.caregivers.values_list("pk", flat=True) if action == "pre_clear" else pk_set
        figures_mark_offers(caregiver_ids=caregiver_ids or (), district_ids=[instance.pk])
    else:  # pk_set are districts; before a clear, the districts the caregiver has
        figures_mark_offers(caregiver_ids=[instance.pk], district_ids=None if action == "pre_clear" else pk_set)
