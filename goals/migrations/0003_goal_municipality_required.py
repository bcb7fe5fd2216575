import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("goals", "0002_goal_municipality")]

    operations = [
        migrations.AlterField(
            model_name="goal",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="goals",
                to="districts.municipality",
                verbose_name="municipality",
            ),
        ),
    ]
