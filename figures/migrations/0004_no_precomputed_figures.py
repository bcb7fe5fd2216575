"""The precomputed figures go: every section is summed from the facts at any range (issue 16).

The snapshots were a cache (rebuilt from the selectors), so nothing is lost with their tables. Beat's
refresh of them goes too: its schedule row, written into the database when beat started, would
otherwise keep sending a task no worker knows.
"""

from django.db import migrations

REFRESH_TASK = "followup.refresh_figures"


def forget_the_refresh(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task=REFRESH_TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("figures", "0003_facts_version"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.DeleteModel(name="CitySnapshot"),
        migrations.DeleteModel(name="FigureSnapshot"),
        migrations.DeleteModel(name="StaleMonth"),
        migrations.RunPython(forget_the_refresh, migrations.RunPython.noop),
    ]
