"""django-auditlog's own entry table must not exist beside ours: it blocks flushing the database."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_auditlogs_own_entry_table_is_gone_and_ours_is_there():
    tables = set(connection.introspection.table_names())
    assert ("auditlog_logentry" in tables, "audit_auditentry" in tables) == (False, True)
