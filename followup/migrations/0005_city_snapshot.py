"""The city as one is precomputed too (its unique caregivers and offers). 0004 marked every month
with contacts stale; their refresh stores the city's periods as well, so nothing is marked again."""

from django.db import migrations, models


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
    ]
