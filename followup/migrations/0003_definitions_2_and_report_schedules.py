"""Definitions version 2 (report 003's role x channel table, target groups, groups by kind) and the
city-wide report schedules.

The precomputed figures of every month with contacts are marked stale, so the next refresh stores
them under the new definitions; the yearly and tertial reports are scheduled in django-celery-beat,
where the strategists can change or pause them in the admin.
"""

from django.db import migrations
from django.db.models.functions import TruncMonth
from django.utils import timezone

SCHEDULES = (
    # (name, kind, crontab): a few days into the new period, so late entries of the last one count.
    ("Uppföljningsrapport för året (hela staden)", "year", {"month_of_year": "1", "day_of_month": "10"}),
    ("Uppföljningsrapport för tertialen (hela staden)", "tertial", {"month_of_year": "1,5,9", "day_of_month": "10"}),
)


def mark_all_stale(apps, schema_editor):
    contact = apps.get_model("interventions", "Contact")
    stale_month = apps.get_model("followup", "StaleMonth")
    now = timezone.now()
    months = contact.objects.annotate(month=TruncMonth("date")).values_list("district_id", "month").distinct()
    stale_month.objects.bulk_create(
        [stale_month(district_id=d, month=m.date() if hasattr(m, "date") else m, marked_at=now) for d, m in months],
        ignore_conflicts=True,
    )


def schedule_reports(apps, schema_editor):
    crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, kind, when in SCHEDULES:
        schedule, _created = crontab.objects.get_or_create(
            minute="0", hour="4", day_of_week="*", timezone="Europe/Stockholm", **when
        )
        periodic_task.objects.update_or_create(
            name=name,
            defaults={
                "task": "followup.compile_scheduled_report",
                "crontab": schedule,
                "kwargs": f'{{"kind": "{kind}"}}',
                "enabled": True,
            },
        )


def unschedule_reports(apps, schema_editor):
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    periodic_task.objects.filter(name__in=[name for name, _kind, _when in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0002_followup_report"),
        ("interventions", "0002_organiser_interventiontype_cap_default_and_more"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(mark_all_stale, migrations.RunPython.noop),
        migrations.RunPython(schedule_reports, unschedule_reports),
    ]
