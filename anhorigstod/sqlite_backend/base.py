"""The embedded default's database: Django's SQLite backend, with integers past 64 bits made harmless
and the database file's folder created when it is first connected to.

Importing the settings creates nothing (a fresh clone has no var/ folder); the first connection, by
`migrate` or the first request, makes the folder its file lives in.

SQLite cannot bind an integer beyond 64 bits: a lookup by such an id (a posted choice of
``"9" * 30``, say) raises OverflowError, a server error, in every form, admin page and filter alike.
PostgreSQL simply finds nothing. Here such a parameter is bound as a float instead, which SQLite
compares with the column as a number and which no stored integer equals: the lookup finds nothing,
as on PostgreSQL, and the form says the choice is not valid. Only parameters are touched, never SQL.

A file database runs in WAL mode: readers and a writer do not block each other, and a read
transaction sees one snapshot from its first read (a report is compiled in one, while consultants
keep logging; see ``figures.read_snapshot``).
"""

from pathlib import Path

from django.db.backends.sqlite3 import base

_SMALLEST, _LARGEST = -(2**63), 2**63 - 1


def _bindable(value):
    if type(value) is int and not _SMALLEST <= value <= _LARGEST:
        return float(value)
    return value


def _bindable_params(params):
    if params is None:
        return None
    if isinstance(params, dict):
        return {name: _bindable(value) for name, value in params.items()}
    return tuple(_bindable(value) for value in params)


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def execute(self, query, params=None):
        return super().execute(query, _bindable_params(params))

    def executemany(self, query, param_list):
        return super().executemany(query, (_bindable_params(params) for params in param_list))


def _file_database(name) -> Path | None:
    """The file a database name opens, or None for an in-memory database or a file: URI."""
    name = str(name)
    if name in ("", ":memory:") or name.startswith("file:"):
        return None
    return Path(name)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        path = _file_database(conn_params["database"])
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = super().get_new_connection(conn_params)
        if path is not None:
            conn.execute("PRAGMA journal_mode=WAL")
        return conn

    def create_cursor(self, name=None):
        return self.connection.cursor(factory=SQLiteCursorWrapper)
