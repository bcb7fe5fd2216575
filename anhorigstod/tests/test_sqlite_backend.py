"""The embedded default's SQLite backend: an id past 64 bits finds nothing instead of crashing."""

import pytest
from django.db.utils import ConnectionHandler

PAST_64_BITS = (2**63, -(2**63) - 1, int("9" * 30))


@pytest.fixture(autouse=True)
def _own_connections(request, django_db_blocker):
    """These tests open their own in-memory databases, beside the test database."""
    if "db" in request.fixturenames:
        yield
        return
    with django_db_blocker.unblock():
        yield


def _connection(engine: str):
    connection = ConnectionHandler({"default": {"ENGINE": engine, "NAME": ":memory:"}})["default"]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE t (id integer PRIMARY KEY)")
        cursor.executemany("INSERT INTO t (id) VALUES (%s)", [(1,), (2**63 - 1,), (-(2**63),)])
    return connection


@pytest.mark.parametrize("value", PAST_64_BITS)
def test_an_id_past_64_bits_finds_nothing_and_the_others_are_found_as_before(value):
    connection = _connection("anhorigstod.sqlite_backend")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM t WHERE id = %s", [value])
        assert cursor.fetchall() == []
        cursor.execute("SELECT id FROM t WHERE id IN (%s, %s, %s) ORDER BY id", [value, 1, 2**63 - 1])
        assert cursor.fetchall() == [(1,), (2**63 - 1,)]
    connection.close()


def test_djangos_own_sqlite_backend_crashes_on_it():
    """What the wrapper is for: without it the same lookup is a server error."""
    connection = _connection("django.db.backends.sqlite3")
    with connection.cursor() as cursor, pytest.raises(OverflowError):
        cursor.execute("SELECT id FROM t WHERE id = %s", [2**63])
    connection.close()


def test_a_form_choice_past_64_bits_is_an_invalid_choice_on_the_configured_database(db):
    """On SQLite (the embedded default) and PostgreSQL alike: a form error, not a server error."""
    from django import forms

    from districts.models import District
    from districts.tests.factories import DistrictFactory

    district = DistrictFactory()
    single = forms.ModelChoiceField(queryset=District.objects.all())
    several = forms.ModelMultipleChoiceField(queryset=District.objects.all())

    for value in PAST_64_BITS:
        with pytest.raises(forms.ValidationError):
            single.clean(str(value))
        with pytest.raises(forms.ValidationError):
            several.clean([str(district.pk), str(value)])
    assert single.clean(str(district.pk)) == district
