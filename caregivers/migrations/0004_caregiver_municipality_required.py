import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("caregivers", "0003_caregiver_municipality")]

    operations = [
        migrations.AlterField(
            model_name="caregiver",
            name="municipality",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="caregivers",
                to="districts.municipality",
                verbose_name="municipality",
            ),
        ),
    ]
