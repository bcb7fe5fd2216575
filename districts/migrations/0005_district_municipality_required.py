"""Every district belongs to a municipality (its own migration: PostgreSQL refuses to alter a table
whose rows the same transaction has just updated)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("districts", "0004_municipality")]

    operations = [
        migrations.AlterField(
            model_name="district",
            name="municipality",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="districts",
                to="districts.municipality",
                verbose_name="municipality",
            ),
        ),
    ]
