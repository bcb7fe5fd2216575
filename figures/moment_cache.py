"""Pages of figures kept for as long as the data they show is unchanged, to the transaction.

A dashboard is read far more often than the rows under it change: a manager reloads, eight people
open the same month before a meeting. Recomputing it each time is waste, but a cache that lives for
some seconds would show figures that are no longer true. This one is keyed by the data itself.

On PostgreSQL, ``pg_current_snapshot()`` names exactly which transactions a read sees: the oldest
still running, the next to begin and those in between still running. Two reads with the same
snapshot see the same committed rows, and any commit since changes it (the committed transaction
leaves the running list, or a new one moved the next). So a page rendered after reading snapshot
*S* and kept under *S* is served only while nothing has been written since *S*. It may include a
commit that landed between reading *S* and rendering, but then *S* never comes back, and nobody is
served it under *S* who could not have seen that commit.

The cache is not used (the page is computed as before) when it cannot be sure:
- outside PostgreSQL (the embedded SQLite default has no such name for its data);
- inside a transaction that has written: its own rows are not in the snapshot's name;
- inside a report's read snapshot, which computes from its own rows anyway;
- when the cache backend fails (Redis gone): the page is computed, and a warning logged.

What the page also depends on beyond the rows goes into the key by the caller (the district, the
period, the query string) or here: the database (transaction ids are the whole server's, so two
databases on one server can share a snapshot's name), language, time zone, today and the format.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection
from django.utils import timezone, translation

from .read_snapshot import in_read_snapshot

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Bump when what is kept changes shape, so that an upgraded server never reads an older one's.
KEEP_FORMAT = 1
# Kept at most this long: a snapshot that stays the same for longer is rare (heartbeats write), and
# nothing is lost by computing again.
KEEP_SECONDS = 600
# How long readers wait for another reader computing the same page, and how often they look.
WAIT_SECONDS = 5
WAIT_STEP = 0.01


def data_moment() -> str | None:
    """A name for the committed data this connection reads now: equal names see equal rows. None
    when there is no such name (not PostgreSQL, a transaction that has written, a report's snapshot).
    One query on PostgreSQL, none otherwise."""
    if connection.vendor != "postgresql" or in_read_snapshot():
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text, pg_current_xact_id_if_assigned() IS NULL")
        snapshot, clean = cursor.fetchone()
    return snapshot if clean else None


def _key(name: str, parts: tuple[Hashable, ...], moment: str) -> str:
    # Transaction ids are the whole server's: the database itself is part of the name of its data.
    database = tuple(connection.settings_dict.get(k) for k in ("HOST", "PORT", "NAME"))
    described = repr(
        (KEEP_FORMAT, database, name, parts, moment, translation.get_language(),
         timezone.get_current_timezone_name(), timezone.localdate().isoformat())
    )  # fmt: skip
    return f"figures:page:{name}:{hashlib.sha256(described.encode()).hexdigest()}"


def kept_while_unchanged(name: str, parts: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """``compute()``'s result, kept under the data's current name (``data_moment``) and ``parts``, and
    served again until any write changes the data. ``parts`` must hold everything else the result
    depends on; the result must be picklable.

    After a write, the readers that arrive together all miss at once. One of them computes (it holds
    a short lock in the cache); the others wait for its result rather than all computing the same
    page, and compute it themselves only if it does not come (the computing one failed or is slow).
    """
    moment = data_moment()
    if moment is None:
        return compute()
    key = _key(name, parts, moment)
    computing = f"{key}:computing"
    holding = False  # the lock that says "computing": only its holder removes it
    try:
        kept = cache.get(key)
        if kept is None:
            holding = cache.add(computing, 1, WAIT_SECONDS)
            kept = None if holding else _wait_for(key, computing)
    except Exception:  # any backend's failure: the page is still served, computed
        logger.warning("The figures cache could not be read; computing %s", name, exc_info=True)
        return compute()
    if kept is not None:
        return kept
    try:
        value = compute()
        _quietly(cache.set, key, value, KEEP_SECONDS)  # before the lock goes: waiters find it
    finally:
        if holding:
            _quietly(cache.delete, computing)
    return value


def _wait_for(key: str, computing: str):
    """The result another reader is computing under ``key``, or None if it does not come in time (or
    the computing reader gave up: its lock is gone without a result)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP)
        found = cache.get_many([key, computing])
        if key in found:
            return found[key]
        if computing not in found:
            return None
    return None


def _quietly(write: Callable, *args) -> None:
    """A write to the cache whose failure only costs speed."""
    try:
        write(*args)
    except Exception:
        logger.warning("The figures cache could not be written (%s)", write.__name__, exc_info=True)
