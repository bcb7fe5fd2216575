"""The precomputed figures' models move here from the follow-up app (issue 16). Their tables stay
as they are (``db_table``), so this only tells Django's state: no table is created or copied."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('districts', '0003_budget_history'),
        ('followup', '0007_definitions_3'),
    ]

    state_operations = [
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
                'db_table': 'followup_citysnapshot',
            },
        ),
        migrations.CreateModel(
            name='FigureSnapshot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('section', models.CharField(choices=[('figures', 'Follow-up figures'), ('outcomes', 'Outcome measures'), ('offers', 'Support contacts offered')], default='figures', max_length=20, verbose_name='section')),
                ('period_key', models.CharField(max_length=20, verbose_name='period')),
                ('target_group', models.CharField(blank=True, max_length=40, verbose_name='target group')),
                ('figures', models.JSONField(verbose_name='figures')),
                ('computed_at', models.DateTimeField(verbose_name='computed')),
                ('district', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='districts.district', verbose_name='district')),
            ],
            options={
                'verbose_name': 'figure snapshot',
                'verbose_name_plural': 'figure snapshots',
                'db_table': 'followup_figuresnapshot',
                'constraints': [models.UniqueConstraint(fields=('section', 'period_key', 'target_group', 'district'), name='one_snapshot_per_section_key')],
            },
        ),
        migrations.CreateModel(
            name='StaleMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(verbose_name='month')),
                ('marked_at', models.DateTimeField(auto_now=True, verbose_name='marked')),
                ('district', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='districts.district', verbose_name='district')),
            ],
            options={
                'verbose_name': 'stale month',
                'verbose_name_plural': 'stale months',
                'db_table': 'followup_stalemonth',
                'constraints': [models.UniqueConstraint(fields=('district', 'month'), name='one_mark_per_month')],
            },
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
