import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("consultants", "0004_assignmentdescription_municipality")]

    operations = [
        migrations.AlterField(
            model_name="assignmentdescription",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="assignment_descriptions",
                to="districts.municipality",
                verbose_name="municipality",
            ),
        ),
    ]
