"""Assignment descriptions belong to a municipality (issue 17): a district's to its district's, a
template of the whole city to the installation's one municipality (Stockholm's, before this migration)."""

import django.db.models.deletion
from django.db import migrations, models


def descriptions_to_their_municipality(apps, schema_editor):
    description = apps.get_model("consultants", "AssignmentDescription")
    municipality = apps.get_model("districts", "Municipality")
    # One UPDATE: a row of a district takes the district's municipality.
    description.objects.exclude(district=None).update(
        municipality_id=models.Subquery(
            municipality.objects.filter(districts=models.OuterRef("district_id")).values("pk")[:1]
        )
    )
    if description.objects.filter(municipality=None).exists():
        description.objects.filter(municipality=None).update(municipality=_the_installations(municipality))


def _the_installations(municipality):
    """The installation's one municipality; Stockholm's (the city its data has always described) if
    no district has named one yet."""
    first = municipality.objects.order_by("pk").first()
    return first or municipality.objects.create(code="0180", name="Stockholm")


class Migration(migrations.Migration):
    dependencies = [("consultants", "0003_allocation_validity"), ("districts", "0005_district_municipality_required")]

    operations = [
        migrations.AddField(
            model_name="assignmentdescription",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="assignment_descriptions",
                to="districts.municipality",
                verbose_name="municipality",
            ),
        ),
        migrations.RunPython(descriptions_to_their_municipality, migrations.RunPython.noop),
    ]
