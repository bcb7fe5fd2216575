"""The facts: occasions kept at a fine grain, so that any range's figures are a sum of a few cells.

An occasion (a logged contact, say) counts in nine cells: its day's, its month's and its year's, each
for its cell total and for each key it has in a dimension (the apps above name the dimensions: a
consultant and channel, an intervention type). A cell holds the occasions' count, their minutes, the
anonymous ones, and the exact set of caregivers met (a roaring bitmap of ids). A range is tiled by the
fewest cells: whole years, then whole months, then days (``tiling``).

The facts are kept in the transaction that writes the occasions (``facts_change``): a refused write
leaves none, a committed one is in the next read, and a report's read snapshot sees facts and rows
of one moment. ``facts_rebuild_district`` recomputes a district's facts from its occasions with the
same ``cells_of``, so a rebuild equals what the upkeep kept.

Cells are per district: a set of districts (a network, a whole municipality) is a union, and a
caregiver met in two of them counts once.

Nothing here imports a domain app: the apps above turn their rows into ``Occasion`` values.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import CharField, Count, F, Func, Q, Value
from pyroaring import BitMap

from .models import CaregiverAttributeFact, FactsVersion, Grain, OccasionFact

logger = logging.getLogger(__name__)

# The key of the PostgreSQL advisory locks (one per district) that serialize the upkeep of a district's facts.
FACTS_LOCK_KEY = 7_015_002
TOTAL = ""  # the dimension of a cell's total


@dataclass(frozen=True)
class Occasion:
    """One occasion as the facts count it: where, when, for which target group, whom (None: anonymous),
    how long, and its key in each dimension."""

    district_id: int
    day: datetime.date
    target_group: str
    caregiver_id: int | None
    minutes: int
    keys: tuple[tuple[str, str], ...]
    # Off for an occasion that is not logged work (a follow-up answer): it counts in its keys' cells
    # only, never in the cell totals (the contacts).
    in_total: bool = True


CellKey = tuple[str, datetime.date, int, str, str, str]  # grain, start, district, target group, dimension, key


class Tally:
    """The sum of some cells: occasions, minutes, anonymous occasions and the caregivers met.

    The caregivers' sets are gathered as they are added and united once, when first asked for (one
    union of many sets costs far less than many unions of two: a range's figures add thousands)."""

    __slots__ = ("_owned", "_sets", "anonymous", "contacts", "minutes")

    def __init__(self, contacts: int = 0, minutes: int = 0, anonymous: int = 0, caregivers: BitMap | None = None):
        self.contacts, self.minutes, self.anonymous = contacts, minutes, anonymous
        self._sets: list[BitMap] = [] if caregivers is None else [caregivers]
        self._owned = True  # the one set in _sets is this tally's own (not another's, added)

    @property
    def caregivers(self) -> BitMap:
        if len(self._sets) != 1 or not self._owned:
            self._sets, self._owned = [BitMap.union(BitMap(), *self._sets)], True
        return self._sets[0]

    def add(self, other: Tally) -> None:
        self.contacts += other.contacts
        self.minutes += other.minutes
        self.anonymous += other.anonymous
        if other._sets:
            self._sets.extend(other._sets)
            self._owned = False

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tally) and (self.contacts, self.minutes, self.anonymous, self.caregivers) == (
            other.contacts, other.minutes, other.anonymous, other.caregivers,
        )  # fmt: skip

    __hash__ = None  # mutable

    def __repr__(self) -> str:
        return f"Tally({self.contacts}, {self.minutes}, {self.anonymous}, {len(self.caregivers)} caregivers)"


def _starts(day: datetime.date) -> tuple[tuple[str, datetime.date], ...]:
    return (Grain.DAY, day), (Grain.MONTH, day.replace(day=1)), (Grain.YEAR, day.replace(month=1, day=1))


def cells_of(occasion: Occasion) -> list[CellKey]:
    """The nine (or so) cells an occasion counts in: each grain, for the total and each of its keys."""
    o = occasion
    return [
        (grain, start, o.district_id, o.target_group, dimension, key)
        for grain, start in _starts(o.day)
        for dimension, key in _keys_of(o)
    ]


def _keys_of(occasion: Occasion) -> tuple[tuple[str, str], ...]:
    return ((TOTAL, ""), *occasion.keys) if occasion.in_total else occasion.keys


def _month_after(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def tiling(start: datetime.date, end: datetime.date, *, coarsest: str = Grain.YEAR) -> list[tuple[str, datetime.date]]:
    """The fewest cells that tile ``start``..``end``: whole years (unless ``coarsest`` is the month),
    then whole months, then single days. A day cell stands for itself, so a run of days is its days."""
    cells = []
    day = start
    while day <= end:
        next_year = day.replace(year=day.year + 1, month=1, day=1)
        if coarsest == Grain.YEAR and day.month == 1 and day.day == 1 and next_year - datetime.timedelta(days=1) <= end:
            cells.append((Grain.YEAR, day))
            day = next_year
        elif day.day == 1 and _month_after(day) - datetime.timedelta(days=1) <= end:
            cells.append((Grain.MONTH, day))
            day = _month_after(day)
        else:
            cells.append((Grain.DAY, day))
            day += datetime.timedelta(days=1)
    return cells


def _tiling_q(cells: list[tuple[str, datetime.date]]) -> Q:
    """One condition for the cells: the years and months by their first days, the days as ranges."""
    by_grain: dict[str, list[datetime.date]] = defaultdict(list)
    for grain, start in cells:
        by_grain[grain].append(start)
    q = Q(pk__in=[])
    for grain in (Grain.YEAR, Grain.MONTH):
        if by_grain[grain]:
            q |= Q(grain=grain, start__in=by_grain[grain])
    days = sorted(by_grain[Grain.DAY])
    run_start = previous = None
    for day in [*days, None]:
        if previous is not None and (day is None or day != previous + datetime.timedelta(days=1)):
            q |= Q(grain=Grain.DAY, start__range=(run_start, previous))
            run_start = None
        if run_start is None:
            run_start = day
        previous = day
    return q


@dataclass
class RangeFacts:
    """A range's facts per district: ``cells`` by (target group, dimension, key), and the cell totals
    by (target group, first day of the month) for the months the range touches."""

    cells: dict[int, dict[tuple[str, str, str], Tally]]
    months: dict[int, dict[tuple[str, datetime.date], Tally]]


def facts_read(
    *,
    start: datetime.date,
    end: datetime.date,
    district_ids: Sequence[int] | None,
    target_groups: Sequence[str] | None,
    dimensions: Sequence[str] | None = None,
    totals: bool = True,
) -> RangeFacts:
    """The facts of every district (or those given) for a range and target groups (None: all): the
    cell totals (unless ``totals`` is off) and the dimensions' cells (only ``dimensions``, if given;
    none if empty). One query."""
    q = Q(pk__in=[])
    if totals:
        q |= _tiling_q(tiling(start, end, coarsest=Grain.MONTH)) & Q(dimension=TOTAL)
    if dimensions is None:
        q |= _tiling_q(tiling(start, end)) & ~Q(dimension=TOTAL)
    elif dimensions:
        q |= _tiling_q(tiling(start, end)) & Q(dimension__in=list(dimensions))
    facts = OccasionFact.objects.filter(q)
    if district_ids is not None:
        facts = facts.filter(district_id__in=list(district_ids))
    if target_groups is not None:
        facts = facts.filter(target_group__in=list(target_groups))
    result = RangeFacts(cells=defaultdict(lambda: defaultdict(Tally)), months=defaultdict(lambda: defaultdict(Tally)))
    rows = facts.values_list(
        "district_id", "grain", "start", "target_group", "dimension", "key", "contacts", "minutes", "anonymous",
        "caregivers",
    )  # fmt: skip
    for district_id, _grain, cell_start, group, dimension, key, contacts, minutes, anonymous, caregivers in rows:
        tally = Tally(contacts, minutes, anonymous, BitMap.deserialize(bytes(caregivers)))
        if dimension == TOTAL:
            # Totals are read by month (and day), so that the range's months come out of the same cells.
            result.months[district_id][(group, cell_start.replace(day=1))].add(tally)
            result.cells[district_id][(group, TOTAL, "")].add(tally)
        else:
            result.cells[district_id][(group, dimension, key)].add(tally)
    return result


def facts_key_counts(
    *,
    start: datetime.date,
    end: datetime.date,
    district_ids: Sequence[int] | None,
    target_groups: Sequence[str] | None,
    dimension: str,
) -> dict[int, dict[str, tuple[int, int]]]:
    """For a dimension whose keys are "<kind>:<owner>:<thing>" (a meeting: its kind, group and id), the
    number of distinct owners and of distinct keys per district and kind in a range, without the
    cells' sums: what counts things of its own (the meetings held and their groups). One query,
    counted by PostgreSQL (only the counts travel); elsewhere from the distinct keys."""
    facts = OccasionFact.objects.filter(_tiling_q(tiling(start, end)), dimension=dimension)
    if district_ids is not None:
        facts = facts.filter(district_id__in=list(district_ids))
    if target_groups is not None:
        facts = facts.filter(target_group__in=list(target_groups))
    counts: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    if connection.vendor == "postgresql":

        def part(n: int) -> Func:
            return Func(F("key"), Value(":"), Value(n), function="split_part", output_field=CharField())

        rows = (
            facts.annotate(kind=part(1), owner=part(2))
            .values("district_id", "kind")
            .annotate(owners=Count("owner", distinct=True), things=Count("key", distinct=True))
            .order_by()
        )
        for row in rows:
            counts[row["district_id"]][row["kind"]] = (row["owners"], row["things"])
        return counts
    keys: dict[tuple[int, str], set[tuple[str, str]]] = defaultdict(set)
    for district_id, key in facts.values_list("district_id", "key").distinct().order_by():
        kind, owner, thing = key.split(":")
        keys[(district_id, kind)].add((owner, thing))
    for (district_id, kind), members in keys.items():
        counts[district_id][kind] = (len({owner for owner, _thing in members}), len(members))
    return counts


# --- Upkeep ----------------------------------------------------------------------------------------
@dataclass
class _Change:
    contacts: int = 0
    minutes: int = 0
    anonymous: int = 0
    met: set[int] = field(default_factory=set)
    left: set[int] = field(default_factory=set)


def _lock_districts(district_ids: Iterable[int]) -> None:
    """Serialize the upkeep of these districts' facts until the transaction ends, in one order (no
    deadlock), and record this transaction as their facts' version (``FactsVersion``: what figures kept
    per district are keyed by). SQLite has one writer at a time anyway, and keeps no figures."""
    if connection.vendor != "postgresql":
        return
    district_ids = sorted(set(district_ids))
    with connection.cursor() as cursor:
        for district_id in district_ids:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [FACTS_LOCK_KEY, district_id])
        # Under the district's lock, so the version row is never waited for (and never deadlocks).
        table = connection.ops.quote_name(FactsVersion._meta.db_table)
        cursor.execute(
            f"INSERT INTO {table} (district_id, version) "  # noqa: S608 - our own table's name
            "SELECT d, pg_current_xact_id()::text::bigint FROM unnest(%s::integer[]) AS d "
            "ON CONFLICT (district_id) DO UPDATE SET version = EXCLUDED.version",
            [district_ids],
        )


def _cell_q(keys: Iterable[CellKey]) -> Q:
    q = Q(pk__in=[])
    for grain, start, district_id, group, dimension, key in keys:
        q |= Q(grain=grain, start=start, district_id=district_id, target_group=group, dimension=dimension, key=key)
    return q


@transaction.atomic
def facts_change(
    *,
    added: Iterable[Occasion] = (),
    removed: Iterable[Occasion] = (),
    still_met: Callable[[set[tuple[int, int]], datetime.date, datetime.date], Iterable[Occasion]],
) -> None:
    """Keep the facts of occasions written in the current transaction, after the write: ``added`` count
    from now on, ``removed`` no longer do (an edit is both).

    A removed occasion's caregiver leaves a cell only if no other occasion of theirs is in it:
    ``still_met(pairs of (caregiver, district), first day, last day)`` returns the occasions those
    caregivers have there now (after the write). A few queries, whatever the number of rows.
    """
    added, removed = list(added), list(removed)
    if not added and not removed:
        return
    changes: dict[CellKey, _Change] = defaultdict(_Change)
    for occasion, sign in [*((o, 1) for o in added), *((o, -1) for o in removed)]:
        for cell in cells_of(occasion):
            change = changes[cell]
            change.contacts += sign
            change.minutes += sign * occasion.minutes
            change.anonymous += sign * (occasion.caregiver_id is None)
            if sign > 0 and occasion.caregiver_id is not None:
                change.met.add(occasion.caregiver_id)
    leaving = [o for o in removed if o.caregiver_id is not None]
    if leaving:
        first = min(o.day for o in leaving).replace(month=1, day=1)
        last = max(o.day for o in leaving).replace(month=12, day=31)
        pairs = {(o.caregiver_id, o.district_id) for o in leaving}
        remaining = {(cell, o.caregiver_id) for o in still_met(pairs, first, last) for cell in cells_of(o)}
        for occasion in leaving:
            for cell in cells_of(occasion):
                if (cell, occasion.caregiver_id) not in remaining:
                    changes[cell].left.add(occasion.caregiver_id)
    _lock_districts(key[2] for key in changes)
    stored = {
        (f.grain, f.start, f.district_id, f.target_group, f.dimension, f.key): f
        for f in OccasionFact.objects.filter(_cell_q(changes))
    }
    new, updated, emptied = [], [], []
    for cell, change in changes.items():
        fact = stored.get(cell)
        if fact is None:
            grain, start, district_id, group, dimension, key = cell
            fact = OccasionFact(
                grain=grain, start=start, district_id=district_id, target_group=group, dimension=dimension, key=key
            )
        caregivers = BitMap.deserialize(bytes(fact.caregivers)) if fact.pk else BitMap()
        fact.contacts += change.contacts
        fact.minutes += change.minutes
        fact.anonymous += change.anonymous
        fact.caregivers = ((caregivers - BitMap(change.left)) | BitMap(change.met)).serialize()
        if min(fact.contacts, fact.minutes, fact.anonymous) < 0:
            # Rows written past the upkeep (a bulk load without its rebuild): the user's write stands,
            # the cell goes, and the log says to rebuild.
            logger.warning("The facts of district %s are out of step with the rows: run rebuild_figures", cell[2])
            fact.contacts = 0
        if fact.contacts > 0:
            (updated if fact.pk else new).append(fact)
        elif fact.pk:
            emptied.append(fact.pk)
    if emptied:
        OccasionFact.objects.filter(pk__in=emptied).delete()
    if updated:
        OccasionFact.objects.bulk_update(updated, ["contacts", "minutes", "anonymous", "caregivers"])
    if new:
        OccasionFact.objects.bulk_create(new)


def _rolled_up(day_cells: dict[CellKey, Tally]) -> dict[CellKey, Tally]:
    """The month and year cells of a set of day cells (their sums), beside the day cells themselves."""
    cells: dict[CellKey, Tally] = dict(day_cells)
    for (_grain, day, *rest), tally in day_cells.items():
        for grain, start in _starts(day)[1:]:
            cells.setdefault((grain, start, *rest), Tally()).add(tally)
    return cells


_COPY_COLUMNS = (
    "grain", "start", "district_id", "target_group", "dimension", "key", "contacts", "minutes", "anonymous",
    "caregivers",
)  # fmt: skip


def _write(cells: dict[CellKey, Tally]) -> int:
    rows = ((*cell, t.contacts, t.minutes, t.anonymous, t.caregivers.serialize()) for cell, t in cells.items())
    if connection.vendor == "postgresql":
        # COPY: a rebuild writes hundreds of thousands of cells, and building INSERTs took most of its time.
        table = connection.ops.quote_name(OccasionFact._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in _COPY_COLUMNS)
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        OccasionFact.objects.bulk_create(
            (OccasionFact(**dict(zip(_COPY_COLUMNS, row, strict=True))) for row in rows), batch_size=5000
        )
    return len(cells)


@transaction.atomic
def facts_rebuild_district(
    district_id: int, occasions: Iterable[Occasion], *, dimensions: Sequence[str] | None = None
) -> int:
    """Replace a district's facts by those of its occasions (all of them); return the cells written.
    Summed by day first, then rolled up, with the upkeep's own keys (``_keys_of``). With ``dimensions``, only
    those dimensions' cells are replaced (the occasions' other cells are left as they are)."""
    _lock_districts([district_id])
    stored = OccasionFact.objects.filter(district_id=district_id)
    if dimensions is not None:
        stored = stored.filter(dimension__in=list(dimensions))
    stored.delete()
    days: dict[CellKey, Tally] = {}
    for occasion in occasions:
        for dimension, key in _keys_of(occasion):  # the day's cells
            if dimensions is not None and dimension not in dimensions:
                continue
            cell = (Grain.DAY, occasion.day, district_id, occasion.target_group, dimension, key)
            tally = days.get(cell)
            if tally is None:
                tally = days[cell] = Tally()
            tally.contacts += 1
            tally.minutes += occasion.minutes
            if occasion.caregiver_id is None:
                tally.anonymous += 1
            else:
                tally.caregivers.add(occasion.caregiver_id)
    return _write(_rolled_up(days))


def facts_as_stored(district_ids: Iterable[int] | None = None) -> dict[CellKey, tuple[int, int, int, list[int]]]:
    """Every stored cell with its sums and caregivers, to compare the kept facts with a rebuild."""
    facts = OccasionFact.objects.all()
    if district_ids is not None:
        facts = facts.filter(district_id__in=list(district_ids))
    return {
        (f.grain, f.start, f.district_id, f.target_group, f.dimension, f.key): (
            f.contacts, f.minutes, f.anonymous, list(BitMap.deserialize(bytes(f.caregivers))),
        )
        for f in facts
    }  # fmt: skip


# --- Caregivers' attributes ------------------------------------------------------------------------
@transaction.atomic
def attributes_change(*, caregiver_id: int, before: dict[str, str] | None, after: dict[str, str] | None) -> None:
    """Move a caregiver between the sets of their attributes' values (``before`` None: new; ``after``
    None: gone). The rows are locked in one order, so concurrent changes wait rather than deadlock."""
    before, after = before or {}, after or {}
    moves = {(a, v) for a, v in before.items() if after.get(a) != v} | {
        (a, v) for a, v in after.items() if before.get(a) != v
    }
    if not moves:
        return
    CaregiverAttributeFact.objects.bulk_create(
        [CaregiverAttributeFact(attribute=a, value=v) for a, v in sorted(moves)], ignore_conflicts=True
    )
    q = Q(pk__in=[])
    for attribute, value in moves:
        q |= Q(attribute=attribute, value=value)
    facts = list(CaregiverAttributeFact.objects.select_for_update().filter(q).order_by("attribute", "value"))
    kept, emptied = [], []
    for fact in facts:
        members = BitMap.deserialize(bytes(fact.caregivers)) if fact.caregivers else BitMap()
        if after.get(fact.attribute) == fact.value:
            members.add(caregiver_id)
        else:
            members.discard(caregiver_id)
        fact.caregivers = members.serialize()
        # An empty set is no fact: a rebuild would not write it.
        (kept if members else emptied).append(fact)
    CaregiverAttributeFact.objects.bulk_update(kept, ["caregivers"])
    CaregiverAttributeFact.objects.filter(pk__in=[f.pk for f in emptied]).delete()


def attributes_rebuild(rows: Iterable[tuple[str, str, int]]) -> None:
    """Replace the attribute sets by those of ``rows`` (attribute, value, caregiver id)."""
    members: dict[tuple[str, str], BitMap] = defaultdict(BitMap)
    for attribute, value, caregiver_id in rows:
        members[(attribute, value)].add(caregiver_id)
    CaregiverAttributeFact.objects.all().delete()
    CaregiverAttributeFact.objects.bulk_create(
        [
            CaregiverAttributeFact(attribute=a, value=v, caregivers=m.serialize())
            for (a, v), m in sorted(members.items())
        ]
    )


def attribute_sets() -> dict[str, dict[str, BitMap]]:
    """Every attribute's value sets: {attribute: {value: caregivers}}. One query."""
    sets: dict[str, dict[str, BitMap]] = defaultdict(dict)
    for attribute, value, caregivers in CaregiverAttributeFact.objects.values_list("attribute", "value", "caregivers"):
        sets[attribute][value] = BitMap.deserialize(bytes(caregivers)) if caregivers else BitMap()
    return sets
