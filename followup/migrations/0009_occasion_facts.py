"""The occasion figures are summed from the facts (figures 0002) from now on. They are built here from
the rows already logged, and the upkeep keeps them in every writing transaction from then on.

The build is today's rebuild (``followup.occasions.facts_rebuild``) on today's models: run in order
on a database at this migration, they match its tables; ``rebuild_figures`` builds them anew at any time.
"""

from django.db import migrations


def build_facts(apps, schema_editor):
    from followup.occasions import facts_rebuild

    facts_rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0008_figures_move_to_the_figures_app"),
        ("figures", "0002_occasion_facts"),
        ("interventions", "0002_organiser_interventiontype_cap_default_and_more"),
        ("caregivers", "0002_erasure_and_retention"),
    ]

    operations = [migrations.RunPython(build_facts, migrations.RunPython.noop)]
