"""Definitions version 3: the delivery of the base level (occasions and unique caregivers by
intervention type). The precomputed figures of every month with contacts are marked stale, so the
next refresh stores them with the new figure."""

from django.db import migrations
from django.db.models.functions import TruncMonth
from django.utils import timezone


def mark_all_stale(apps, schema_editor):
    contact = apps.get_model("interventions", "Contact")
    stale_month = apps.get_model("followup", "StaleMonth")
    now = timezone.now()
    months = contact.objects.annotate(month=TruncMonth("date")).values_list("district_id", "month").distinct()
    stale_month.objects.bulk_create(
        [stale_month(district_id=d, month=m.date() if hasattr(m, "date") else m, marked_at=now) for d, m in months],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0006_report_heartbeats"),
        ("interventions", "0002_organiser_interventiontype_cap_default_and_more"),
    ]

    operations = [migrations.RunPython(mark_all_stale, migrations.RunPython.noop)]
