"""Allocations get validity dates: a change of staffing is a new row, so figures per full-time post of
a past period use that period's staffing. Today's allocations stay valid from the reference data's
date (the 2018 mapping: 1 January 2018)."""

import datetime

from django.db import migrations, models

REFERENCE_DATE = datetime.date(2018, 1, 1)


class Migration(migrations.Migration):
    dependencies = [("consultants", "0002_alter_allocation_target_group_and_more")]

    operations = [
        migrations.AddField(
            model_name="allocation",
            name="valid_from",
            field=models.DateField(default=REFERENCE_DATE, verbose_name="valid from"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="allocation",
            name="valid_to",
            field=models.DateField(
                blank=True, help_text="The last day in force; empty while it lasts.", null=True, verbose_name="valid to"
            ),
        ),
        migrations.RemoveConstraint(model_name="allocation", name="unique_allocation"),
        migrations.AddConstraint(
            model_name="allocation",
            constraint=models.UniqueConstraint(
                fields=("consultant", "district", "target_group", "valid_from"), name="unique_allocation"
            ),
        ),
        migrations.AddConstraint(
            model_name="allocation",
            constraint=models.CheckConstraint(
                condition=models.Q(("valid_to__isnull", True), ("valid_to__gte", models.F("valid_from")), _connector="OR"),
                name="allocation_valid_range",
            ),
        ),
        migrations.AlterModelOptions(
            name="allocation",
            options={
                "ordering": ["consultant__ref", "district__name", "-valid_from"],
                "verbose_name": "allocation",
                "verbose_name_plural": "allocations",
            },
        ),
    ]
