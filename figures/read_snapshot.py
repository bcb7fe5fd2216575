"""One read-only database snapshot: every figure of a report is read at one moment.

A report reads many figures in many statements. At PostgreSQL's default isolation (READ COMMITTED)
each statement sees the rows committed when it starts, so a report compiled while consultants keep
logging would add up to nothing in particular: its scope total a few contacts ahead of the sum of
its districts, each table true at a different moment. ``read_snapshot`` runs the reads in one
REPEATABLE READ, READ ONLY transaction instead: PostgreSQL takes the snapshot at its first statement
and every later statement sees exactly the rows committed before it. The snapshot's moment is the
report's as-of. SQLite (the embedded default, in WAL mode) gives a read transaction the same: one
snapshot from its first read.

While a snapshot is open, figures are computed from the facts it sees (``in_read_snapshot``), never
taken from a cache kept by other transactions, which may be of another moment.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

_open: contextvars.ContextVar[bool] = contextvars.ContextVar("read_snapshot_open", default=False)


def in_read_snapshot() -> bool:
    """Whether the current code reads inside ``read_snapshot`` (and must neither write nor read
    figures kept by other transactions)."""
    return _open.get()


@dataclass(frozen=True)
class Snapshot:
    """The moment a snapshot is true for, and (PostgreSQL) the snapshot itself as
    ``pg_current_snapshot()`` writes it, which says exactly which transactions it sees: a recount can
    ask ``pg_visible_in_snapshot`` of any row's inserting transaction."""

    as_of: datetime.datetime
    transactions: str = ""


def _begin_snapshot() -> Snapshot:
    """Open the snapshot with the transaction's first statement and describe it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            # The first statement after SET TRANSACTION takes the snapshot; its start is the moment.
            cursor.execute("SELECT statement_timestamp(), pg_current_snapshot()::text")
            return Snapshot(*cursor.fetchone())
        cursor.execute("SELECT 1 FROM django_migrations LIMIT 1")  # SQLite: the first read starts it
        return Snapshot(timezone.now())


@contextlib.contextmanager
def read_snapshot() -> Iterator[Snapshot]:
    """Run the block's reads in one read-only snapshot; yield it (its ``as_of`` is the moment).

    Inside an enclosing transaction (a test's, or a caller's atomic block) the isolation level can no
    longer be chosen: the block then reads within that transaction as it is.
    """
    outer = connection.in_atomic_block
    if not outer:
        # A reused connection's health check ("SELECT 1") runs with the first cursor: here, before the
        # transaction, so that SET TRANSACTION is its first statement.
        with connection.cursor():
            pass
    with transaction.atomic():
        snapshot = Snapshot(timezone.now()) if outer else _begin_snapshot()
        token = _open.set(True)
        try:
            yield snapshot
        finally:
            _open.reset(token)
