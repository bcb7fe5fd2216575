"""Budgets get validity dates: a district's budget moves from a field on the district to rows of its
own, so figures per SEK of a past period use that period's budget. A known budget stays valid from
the reference data's date (the 2018 mapping: 1 January 2018)."""

import datetime

import django.db.models.deletion
from django.db import migrations, models

REFERENCE_DATE = datetime.date(2018, 1, 1)


def budgets_to_rows(apps, schema_editor):
    district = apps.get_model("districts", "District")
    budget = apps.get_model("districts", "Budget")
    budget.objects.bulk_create(
        budget(district_id=pk, sek_per_year=sek, valid_from=REFERENCE_DATE)
        for pk, sek in district.objects.exclude(budget_sek_per_year=None).values_list("pk", "budget_sek_per_year")
    )


def rows_to_budgets(apps, schema_editor):
    district = apps.get_model("districts", "District")
    budget = apps.get_model("districts", "Budget")
    for row in budget.objects.order_by("district_id", "valid_from"):
        district.objects.filter(pk=row.district_id).update(budget_sek_per_year=row.sek_per_year)


class Migration(migrations.Migration):
    dependencies = [("districts", "0002_district_talk_cap_and_more")]

    operations = [
        migrations.CreateModel(
            name="Budget",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sek_per_year", models.PositiveIntegerField(verbose_name="budget (SEK per year)")),
                ("valid_from", models.DateField(verbose_name="valid from")),
                (
                    "valid_to",
                    models.DateField(
                        blank=True,
                        help_text="The last day in force; empty while it lasts.",
                        null=True,
                        verbose_name="valid to",
                    ),
                ),
                (
                    "district",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="budgets",
                        to="districts.district",
                        verbose_name="district",
                    ),
                ),
            ],
            options={
                "verbose_name": "budget",
                "verbose_name_plural": "budgets",
                "ordering": ["district__name", "-valid_from"],
                "constraints": [
                    models.UniqueConstraint(fields=("district", "valid_from"), name="one_budget_per_start"),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("valid_to__isnull", True), ("valid_to__gte", models.F("valid_from")), _connector="OR"
                        ),
                        name="budget_valid_range",
                    ),
                ],
            },
        ),
        migrations.RunPython(budgets_to_rows, rows_to_budgets),
        migrations.RemoveField(model_name="district", name="budget_sek_per_year"),
    ]
