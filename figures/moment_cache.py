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
- when the cache backend fails (Redis gone): the page is computed, a warning logged, and the cache
  left alone for a few seconds (``CACHE_PAUSE_SECONDS``), so that a page pays one failed call.

What the page also depends on beyond the rows goes into the key by the caller (the district, the
period, the query string) or here: the database (transaction ids are the whole server's, so two
databases on one server can share a snapshot's name), language, time zone, today and the format.

Any write changes a page's name, and a district's page shows the city median beside its own figures,
so after a contact is logged every page is computed again. What makes that cheap is the second
keeper, ``kept_per_district``: the figures summed from one district's facts are kept under that
district's facts version (``FactsVersion``, the transaction that last changed them) and the versions
of the few other rows they read. A contact logged in one district leaves the other districts' figures
kept: the next page recomputes one district's, not fourteen.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

from django.core.cache import cache
from django.db import connection, models
from django.utils import timezone, translation

from districts.models import District

from .models import FactsVersion
from .read_snapshot import in_read_snapshot, read_snapshot

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
# After the cache fails (Redis gone away), this process leaves it alone for this long: a page then
# pays one failed call, not one per figure it reads, and the cache is tried again soon after.
CACHE_PAUSE_SECONDS = 10.0
_paused_until = 0.0


def cache_usable() -> bool:
    """Whether the cache is in use: not paused after a failure (``cache_failed``)."""
    return time.monotonic() >= _paused_until


def cache_failed(what: str) -> None:
    """The cache failed: log it, and compute without it for CACHE_PAUSE_SECONDS."""
    global _paused_until
    _paused_until = time.monotonic() + CACHE_PAUSE_SECONDS
    logger.warning("The figures cache failed (%s); computing without it for %d s", what, CACHE_PAUSE_SECONDS,
                   exc_info=True)  # fmt: skip


def cache_resume() -> None:
    """Use the cache again at once (the tests start each with it in use)."""
    global _paused_until
    _paused_until = 0.0


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


def _named(kind: str, name: str, described: tuple) -> str:
    """A cache key: the kind of thing kept, its name, and a hash of all it depends on. Transaction ids
    are the whole server's: the database itself is part of the name of its data."""
    database = tuple(connection.settings_dict.get(k) for k in ("HOST", "PORT", "NAME"))
    digest = hashlib.sha256(repr((KEEP_FORMAT, database, name, *described)).encode()).hexdigest()
    return f"figures:{kind}:{name}:{digest}"


def _key(name: str, parts: tuple[Hashable, ...], moment: str) -> str:
    return _named("page", name, (parts, moment, translation.get_language(), timezone.get_current_timezone_name(),
                                 timezone.localdate().isoformat()))  # fmt: skip


def kept_while_unchanged(name: str, parts: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """``compute()``'s result, kept under the data's current name (``data_moment``) and ``parts``, and
    served again until any write changes the data. ``parts`` must hold everything else the result
    depends on; the result must be picklable.

    After a write, the readers that arrive together all miss at once. One of them computes (it holds
    a short lock in the cache); the others wait for its result rather than all computing the same
    page, and compute it themselves only if it does not come (the computing one failed or is slow).
    """
    moment = data_moment() if cache_usable() else None
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
        cache_failed(f"reading {name}")
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
        cache_failed(write.__name__)


# --- Per district, under the facts' version ---------------------------------------------------------
def kept_per_district(
    name: str,
    parts: tuple[Hashable, ...],
    district_ids: Iterable[int] | None,
    compute: Callable[[list[int] | None], dict[int, T]],
    *,
    reads: Sequence[type[models.Model]] = (),
) -> dict[int, T]:
    """``compute(district_ids)`` (None: every district), a result per district, with each district's
    result kept under its facts' version (``FactsVersion``) and the versions of the other rows it reads
    (``reads``: small tables, such as the consultants), and served again while they are unchanged.
    ``parts`` must hold everything else the result depends on (the range, the target groups);
    ``compute`` must read only the district's facts and ``reads``, and give each district's result
    alone (never the districts as one).

    The versions and the missing districts' results are read in one read-only snapshot, so a kept
    result is exactly what its versions' facts give. Without a sure name for the data (not
    PostgreSQL; inside a transaction, whose own writes carry no version yet; inside a report's snapshot)
    or without the cache, it is ``compute(district_ids)`` as it is.
    """
    if district_ids is not None:
        district_ids = list(district_ids)
    if connection.vendor != "postgresql" or connection.in_atomic_block or in_read_snapshot() or not cache_usable():
        return compute(district_ids)
    with read_snapshot():
        keys = {
            district_id: _district_key(name, parts, district_id, version)
            for district_id, version in _versions(district_ids, reads).items()
        }
        try:
            found = cache.get_many(list(keys.values()))
        except Exception:  # any backend's failure: computed
            cache_failed(f"reading {name}")
            found = {}
        missing = [district_id for district_id, key in keys.items() if key not in found]
        computed = compute(missing) if missing else {}
    if missing and cache_usable():
        # Kept wrapped, so that a district with nothing (absent from the result) is kept too.
        _quietly(cache.set_many, {keys[d]: (computed.get(d),) for d in missing}, KEEP_SECONDS)
    results = {d: found[key][0] if key in found else computed.get(d) for d, key in keys.items()}
    return {d: value for d, value in results.items() if value is not None}


def _versions(district_ids: list[int] | None, reads: Sequence[type[models.Model]]) -> dict[int, str]:
    """Each district's facts version and the versions of ``reads``, as one name per district. One
    query. A small table's version is the list of its rows' ids and creating transactions (``xmin``):
    any insert, update or delete changes it."""
    quote = connection.ops.quote_name
    pk = quote(District._meta.pk.column)
    columns = ["coalesce(v.version, 0)"]
    for model in reads:
        row_id, table = quote(model._meta.pk.column), quote(model._meta.db_table)
        listed = f"string_agg(t.xmin::text || ':' || t.{row_id}::text, ',' ORDER BY t.{row_id})"
        columns.append(f"(SELECT md5(coalesce({listed}, '')) FROM {table} t)")  # noqa: S608 - our own tables
    versions = quote(FactsVersion._meta.db_table)
    sql = f"SELECT d.{pk}, {', '.join(columns)} FROM {quote(District._meta.db_table)} d "  # noqa: S608 - ours
    sql += f"LEFT JOIN {versions} v ON v.district_id = d.{pk}"
    params: list = []
    if district_ids is not None:
        sql += f" WHERE d.{pk} = ANY(%s)"
        params.append(district_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {district_id: ":".join(map(str, rest)) for district_id, *rest in cursor.fetchall()}


def _district_key(name: str, parts: tuple[Hashable, ...], district_id: int, version: str) -> str:
    return _named("district", name, (parts, district_id, version))


def kept_while_versions_unchanged(
    name: str, parts: tuple[Hashable, ...], reads: Sequence[type[models.Model]], compute: Callable[[], T]
) -> T:
    """``compute()``'s result, kept under every district's facts version and the versions of ``reads``
    (small tables: their rows' ids and creating transactions), and served again while none of them
    changes. Unlike ``kept_while_unchanged`` it survives writes elsewhere (another table, another
    database of the server): a page over every municipality would otherwise be recomputed whenever
    anyone anywhere logs anything. ``compute`` must read only facts and ``reads``; ``parts`` holds the
    rest it depends on.

    The versions are read before ``compute`` runs, so what is kept under them is never older than they
    say (at worst a write just after is already in it); a write after that changes the name.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block or in_read_snapshot() or not cache_usable():
        return compute()
    try:
        versions = sorted(_versions(None, reads).items())
        key = _named("versions", name, (parts, versions, translation.get_language()))
        kept = cache.get(key)
    except Exception:  # any backend's failure: the page is still served, computed
        cache_failed(f"reading {name}")
        return compute()
    if kept is not None:
        return kept
    result = compute()
    try:
        cache.set(key, result, KEEP_SECONDS)
    except Exception:
        cache_failed(f"keeping {name}")
    return result
