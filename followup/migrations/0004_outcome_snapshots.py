"""Outcome figures and support-contact offers are precomputed too: snapshots get a section, and every
month with contacts is marked stale so that the next refresh stores them (as 0003 did for definitions 2)."""

from importlib import import_module

from django.db import migrations, models

mark_all_stale = import_module("followup.migrations.0003_definitions_2_and_report_schedules").mark_all_stale


class Migration(migrations.Migration):

    dependencies = [
        ('districts', '0002_district_talk_cap_and_more'),
        ('followup', '0003_definitions_2_and_report_schedules'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='figuresnapshot',
            name='one_snapshot_per_key',
        ),
        migrations.AddField(
            model_name='figuresnapshot',
            name='section',
            field=models.CharField(choices=[('figures', 'Follow-up figures'), ('outcomes', 'Outcome measures'), ('offers', 'Support contacts offered')], default='figures', max_length=20, verbose_name='section'),
        ),
        migrations.AddConstraint(
            model_name='figuresnapshot',
            constraint=models.UniqueConstraint(fields=('section', 'period_key', 'target_group', 'district'), name='one_snapshot_per_section_key'),
        ),
        migrations.RunPython(mark_all_stale, migrations.RunPython.noop),
    ]
