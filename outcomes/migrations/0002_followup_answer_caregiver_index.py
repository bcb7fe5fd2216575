"""An index for "was this caregiver followed up in the district since the period's start?": the
share followed up asks it once per caregiver reached. Without it a year's refresh of one district
took 27 s at 10M contacts (PostgreSQL scanned the district's answers for each caregiver)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('outcomes', '0001_initial'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='followupanswer',
            index=models.Index(fields=['caregiver', 'district', 'date'], name='followup_answer_caregiver'),
        ),
    ]
