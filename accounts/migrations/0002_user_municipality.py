"""Users belong to a municipality (issue 17). Where the installation holds one municipality (every
installation before this migration: Stockholm's), its users are its users."""

import django.db.models.deletion
from django.db import migrations, models


def users_to_the_one_municipality(apps, schema_editor):
    municipality = apps.get_model("districts", "Municipality")
    user = apps.get_model("accounts", "User")
    if municipality.objects.count() == 1:
        user.objects.filter(municipality=None).update(municipality=municipality.objects.get())


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("districts", "0005_district_municipality_required")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "The municipality this user works in: its districts are the only ones the user can be given, "
                    "and strategists and administrators see its districts only."
                ),
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="users",
                to="districts.municipality",
                verbose_name="municipality",
            ),
        ),
        migrations.RunPython(users_to_the_one_municipality, migrations.RunPython.noop),
    ]
