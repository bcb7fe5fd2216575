"""The city as one is precomputed too (its unique caregivers); every month with contacts is marked
stale so that the next refresh stores it."""

from importlib import import_module

from django.db import migrations, models

mark_all_stale = import_module("followup.migrations.0003_definitions_2_and_report_schedules").mark_all_stale


class Migration(migrations.Migration):

    dependencies = [
        ('followup', '0004_outcome_snapshots'),
    ]

    operations = [
        migrations.CreateModel(
            name='CitySnapshot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period_key', models.CharField(max_length=20, unique=True, verbose_name='period')),
                ('figures', models.JSONField(verbose_name='figures')),
                ('computed_at', models.DateTimeField(verbose_name='computed')),
            ],
            options={
                'verbose_name': 'city snapshot',
                'verbose_name_plural': 'city snapshots',
            },
        ),
        migrations.RunPython(mark_all_stale, migrations.RunPython.noop),
    ]
