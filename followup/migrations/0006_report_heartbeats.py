# A running report's own heartbeat, and the interrupted state of a report whose worker died.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('followup', '0005_city_snapshot'),
    ]

    operations = [
        migrations.AddField(
            model_name='followupreport',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='last heartbeat'),
        ),
        migrations.AddField(
            model_name='followupreport',
            name='interrupted_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='last interrupted'),
        ),
        migrations.AddField(
            model_name='followupreport',
            name='requeued_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='requeued'),
        ),
        migrations.AddField(
            model_name='followupreport',
            name='restarts',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='restarts'),
        ),
        migrations.AddField(
            model_name='followupreport',
            name='run',
            field=models.UUIDField(blank=True, editable=False, null=True, verbose_name='current run'),
        ),
        migrations.AddField(
            model_name='followupreport',
            name='worker',
            field=models.CharField(blank=True, max_length=200, verbose_name='worker'),
        ),
        migrations.AlterField(
            model_name='followupreport',
            name='status',
            field=models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('interrupted', 'Interrupted, restarting'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=20, verbose_name='status'),
        ),
    ]
