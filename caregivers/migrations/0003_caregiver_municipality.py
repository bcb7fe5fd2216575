"""Caregivers belong to a municipality (issue 17): their districts', or the installation's one
municipality (Stockholm's, before this migration) for a caregiver in no district."""

import django.db.models.deletion
from django.db import migrations, models


def caregivers_to_their_municipality(apps, schema_editor):
    caregiver = apps.get_model("caregivers", "Caregiver")
    link = caregiver.districts.through
    municipality = apps.get_model("districts", "Municipality")
    # One UPDATE, whatever the number of caregivers: each takes the municipality of a district of theirs.
    theirs = link.objects.filter(caregiver_id=models.OuterRef("pk")).values("district__municipality_id")[:1]
    caregiver.objects.filter(municipality=None).update(municipality_id=models.Subquery(theirs))
    if caregiver.objects.filter(municipality=None).exists():
        caregiver.objects.filter(municipality=None).update(municipality=_the_installations(municipality))


def _the_installations(municipality):
    """The installation's one municipality; Stockholm's (the city its data has always described) if
    no district has named one yet."""
    first = municipality.objects.order_by("pk").first()
    return first or municipality.objects.create(code="0180", name="Stockholm")


class Migration(migrations.Migration):
    dependencies = [("caregivers", "0002_erasure_and_retention"), ("districts", "0005_district_municipality_required")]

    operations = [
        migrations.AddField(
            model_name="caregiver",
            name="municipality",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="caregivers",
                to="districts.municipality",
                verbose_name="municipality",
            ),
        ),
        migrations.RunPython(caregivers_to_their_municipality, migrations.RunPython.noop),
    ]
