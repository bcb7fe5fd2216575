"""The precomputed figures' models move to the figures app (its 0001): removed from this app's state
only, their tables and rows kept for the figures app to use."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('followup', '0007_definitions_3'),
        ('figures', '0001_initial'),
    ]

    state_operations = [
        migrations.DeleteModel(
            name='CitySnapshot',
        ),
        migrations.RemoveField(
            model_name='stalemonth',
            name='district',
        ),
        migrations.DeleteModel(
            name='FigureSnapshot',
        ),
        migrations.DeleteModel(
            name='StaleMonth',
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
