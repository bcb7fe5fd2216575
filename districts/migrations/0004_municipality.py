"""Municipalities above districts (issue 17). The districts already here were one city's: they become
Stockholm's (kommunkod 0180), the city the reference data has always described."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

STOCKHOLM = {"code": "0180", "name": "Stockholm"}


def districts_to_stockholm(apps, schema_editor):
    district = apps.get_model("districts", "District")
    municipality = apps.get_model("districts", "Municipality")
    if district.objects.exists():
        stockholm, _created = municipality.objects.get_or_create(code=STOCKHOLM["code"], defaults=STOCKHOLM)
        district.objects.filter(municipality=None).update(municipality=stockholm)


class Migration(migrations.Migration):
    dependencies = [("districts", "0003_budget_history")]

    operations = [
        migrations.CreateModel(
            name="Municipality",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "code",
                    models.CharField(
                        help_text="The official four-digit kommunkod, e.g. 0180 for Stockholm.",
                        max_length=4,
                        unique=True,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^[0-9]{4}$", "A municipality code is the four digits of its kommunkod."
                            )
                        ],
                        verbose_name="municipality code",
                    ),
                ),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                (
                    "inhabitants",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="Used for figures per 1,000 inhabitants.",
                        null=True,
                        verbose_name="inhabitants",
                    ),
                ),
            ],
            options={"verbose_name": "municipality", "verbose_name_plural": "municipalities", "ordering": ["name"]},
        ),
        migrations.AddField(
            model_name="district",
            name="municipality",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="districts",
                to="districts.municipality",
                verbose_name="municipality",
            ),
        ),
        migrations.RunPython(districts_to_stockholm, migrations.RunPython.noop),
    ]
