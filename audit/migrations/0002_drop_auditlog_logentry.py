"""Drop django-auditlog's own entry table, which its migrations create although our model replaces it.

The unused table references django_content_type, so flushing the database (as tests with
transactional_db do) fails: PostgreSQL won't truncate a table another table points at
(jazzband/django-auditlog#804, fixed after 3.4.1).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunSQL("DROP TABLE IF EXISTS auditlog_logentry", migrations.RunSQL.noop)]
