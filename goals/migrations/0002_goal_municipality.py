"""Goals belong to a municipality (issue 17): a district's goal to its district's, a goal of the whole
city to the installation's one municipality (Stockholm's, before this migration)."""

import django.db.models.deletion
from django.db import migrations, models


def goals_to_their_municipality(apps, schema_editor):
    goal = apps.get_model("goals", "Goal")
    municipality = apps.get_model("districts", "Municipality")
    # One UPDATE: a row of a district takes the district's municipality.
    goal.objects.exclude(district=None).update(
        municipality_id=models.Subquery(
            municipality.objects.filter(districts=models.OuterRef("district_id")).values("pk")[:1]
        )
    )
    if goal.objects.filter(municipality=None).exists():
        goal.objects.filter(municipality=None).update(municipality=_the_installations(municipality))


def _the_installations(municipality):
    """The installation's one municipality; Stockholm's (the city its data has always described) if
    no district has named one yet."""
    first = municipality.objects.order_by("pk").first()
    return first or municipality.objects.create(code="0180", name="Stockholm")


class Migration(migrations.Migration):
    dependencies = [("goals", "0001_initial"), ("districts", "0005_district_municipality_required")]

    operations = [
        migrations.AddField(
            model_name="goal",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="goals",
                to="districts.municipality",
                verbose_name="municipality",
            ),
        ),
        migrations.RunPython(goals_to_their_municipality, migrations.RunPython.noop),
    ]
