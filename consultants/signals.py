"""Keeping the precomputed figures stale-marked when a consultant's report role changes.

Figures break work down by the consultant's role and target group (``followup.selectors.report_role``),
read at computation time: a change moves every period the consultant worked in. Rare (an admin's
edit), so the marks are generous. Which months is the snapshots' rule (``figures_mark_consultant``).
"""

from django.db.models.signals import pre_save
from django.dispatch import receiver

from followup.snapshots import figures_mark_consultant

from .models import Consultant

# The consultant's fields that figures are broken down by.
REPORTED_FIELDS = ("role", "target_group")


@receiver(pre_save, sender=Consultant)
def _role_changed(sender, instance: Consultant, raw: bool = False, **kwargs) -> None:
    if raw or not instance.pk:
        return
    stored = Consultant.objects.filter(pk=instance.pk).values_list(*REPORTED_FIELDS).first()
    if stored is not None and stored != tuple(getattr(instance, name) for name in REPORTED_FIELDS):
        figures_mark_consultant(instance.pk)
