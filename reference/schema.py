"""Read and validate the reference data files before anything is written.

Every problem is reported with the file, the record and the field, so that whoever maintains
the data can find it: ``stockholm_2018.json, consultants[3] (K04), field "percent": ...``.
"""

from __future__ import annotations

import datetime
import decimal
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from benchmark.models import ReachUnit
from consultants.models import ConsultantRole
from districts.models import TargetGroup
from figures.definitions import ReportRole
from interventions.models import Channel, InterventionCategory

REFERENCE_DIR = Path(__file__).resolve().parent / "data"
# Each dataset: the main file and its supplement (what the main file lacks, with its sources).
DATASETS: dict[str, tuple[str, str]] = {
    "stockholm-2018": ("stockholm_2018.json", "stockholm_2018_supplement.json"),
    "nacka-2022": ("nacka_2022.json", "nacka_2022_supplement.json"),
}
# The installation's shared definitions (the base-level catalogue, the methods and the organisers)
# are one set for every municipality, defined in Stockholm 2018's files: every dataset loads them from
# there, so that datasets loaded in any order agree on them.
SHARED_DATASET = "stockholm-2018"

_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_SURROGATE = re.compile("[\ud800-\udfff]")
_TARGET_GROUPS = set(TargetGroup.values)


class ReferenceDataError(Exception):
    """Bad reference data: names the file, the record and what is wrong."""

    def __init__(self, file: str, record: str, message: str):
        self.file, self.record, self.message = file, record, message
        super().__init__(f"{file}, {record}: {message}")


@dataclass(frozen=True)
class InterventionRow:
    code: str
    name: str
    category: str
    description: str
    cap_min: int | None
    cap_max: int | None
    cap_default: int | None


@dataclass(frozen=True)
class PurchaseRow:
    seller: str
    target_group: str
    share_percent: int


@dataclass(frozen=True)
class RepresentativeRow:
    target_group: str
    count: int | None
    note: str


@dataclass(frozen=True)
class DistrictRow:
    code: str
    name: str
    placement: str
    own_budget: bool
    budget_sek_per_year: int | None
    reported_talk_limit: int | None
    notes: str
    purchases: tuple[PurchaseRow, ...]
    offerings: tuple[tuple[str, str], ...]  # (target group, intervention code)
    representatives: tuple[RepresentativeRow, ...]


@dataclass(frozen=True)
class NetworkRow:
    code: str
    name: str
    note: str
    districts: tuple[str, ...]


@dataclass(frozen=True)
class AllocationRow:
    district: str
    target_group: str
    percent: int


@dataclass(frozen=True)
class ConsultantRow:
    ref: str
    role: str
    home_district: str
    employment_percent: int
    target_group: str
    methods: tuple[str, ...]
    has_documented_description: bool
    note: str
    allocations: tuple[AllocationRow, ...]


@dataclass(frozen=True)
class TemplateRow:
    series: str
    version: int
    title: str
    introduction: str
    tasks: tuple[tuple[str, str], ...]  # (kind, text)


@dataclass(frozen=True)
class MunicipalityRow:
    code: str
    name: str
    inhabitants: int | None


@dataclass(frozen=True)
class PublishedRow:
    """A municipality's figures for the dataset's year as a report published them (``benchmark.PublishedFigures``)."""

    label: str  # the record, for errors
    municipality_code: str
    municipality_name: str
    source: str
    inhabitants: int | None
    staff: str
    staff_fte: decimal.Decimal | None
    reach: str
    reach_count: int | None
    reach_unit: str
    cost_sek: int | None
    cost: str  # the report's own words
    detail: dict


@dataclass(frozen=True)
class ContactTable:
    """A published table of contact occasions by report role and channel (Nacka 2022): what the replay logs."""

    year: int
    contacts: dict[str, dict[str, int]]  # report role -> channel -> contacts
    totals: dict[str, int]  # channel -> contacts, and "all"


@dataclass(frozen=True)
class ReferenceData:
    dataset: str
    year: int
    municipality: MunicipalityRow
    interventions: tuple[InterventionRow, ...]
    districts: tuple[DistrictRow, ...]
    networks: tuple[NetworkRow, ...]
    consultants: tuple[ConsultantRow, ...]
    methods: tuple[tuple[str, str], ...]
    organisers: tuple[tuple[str, str], ...]
    # The file each part was read from, for the loader's errors: base_level, methods, municipality,
    # records (districts, networks, consultants), template, published.
    files: dict[str, str]
    template: TemplateRow | None = None
    documented_adopted_on: datetime.date | None = None
    documented_series_prefix: str = ""
    documented_note: str = field(default="")
    published: tuple[PublishedRow, ...] = ()
    contact_table: ContactTable | None = None


class _Record:
    """Typed access to one JSON object, raising ReferenceDataError that names it."""

    def __init__(self, file: str, label: str, data: Any):
        self.file, self.label = file, label
        if not isinstance(data, dict):
            self.fail(_("expected an object, got %(got)s") % {"got": _describe(data)})
        self.data = data

    def fail(self, message: str, key: str | None = None):
        where = f'{self.label}, field "{key}"' if key else self.label
        raise ReferenceDataError(self.file, where, message)

    def _get(self, key: str, optional: bool):
        if key not in self.data:
            if optional:
                return None
            self.fail(_("this field is missing"), key)
        return self.data[key]

    def text(self, key: str, *, optional: bool = False, max_length: int = 5000) -> str:
        value = self._get(key, optional)
        if value is None and optional:
            return ""
        if not isinstance(value, str) or (not optional and not value.strip()):
            self.fail(_("expected non-empty text, got %(got)s") % {"got": _describe(value)}, key)
        if len(value) > max_length:
            self.fail(_("text longer than %(max)d characters") % {"max": max_length}, key)
        return value.strip()

    def slug(self, key: str) -> str:
        value = self.text(key, max_length=60)
        if not _SLUG.match(value):
            self.fail(_("%(value)r is not a valid code (lower-case letters, digits, - and _)") % {"value": value}, key)
        return value

    def boolean(self, key: str) -> bool:
        value = self._get(key, False)
        if not isinstance(value, bool):
            self.fail(_("expected true or false, got %(got)s") % {"got": _describe(value)}, key)
        return value

    def integer(self, key: str, *, low: int, high: int, nullable: bool = False, optional: bool = False) -> int | None:
        value = self._get(key, optional)
        if value is None and (nullable or optional):
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(_("expected a whole number, got %(got)s") % {"got": _describe(value)}, key)
        if not low <= value <= high:
            self.fail(
                _("%(value)d is outside the allowed range %(low)d-%(high)d")
                % {"value": value, "low": low, "high": high},
                key,
            )
        return value

    def choice(self, key: str, allowed: set[str], value: Any = None) -> str:
        value = self._get(key, False) if value is None else value
        # Every choice is text; a list or an object is not one (and cannot be looked up in a set).
        if not isinstance(value, str) or value not in allowed:
            self.fail(
                _("%(value)s is not one of: %(allowed)s")
                % {"value": _describe(value), "allowed": ", ".join(sorted(allowed))},
                key,
            )
        return value

    def items(self, key: str, *, optional: bool = False) -> list:
        value = self._get(key, optional)
        if value is None and optional:
            return []
        if not isinstance(value, list):
            self.fail(_("expected a list, got %(got)s") % {"got": _describe(value)}, key)
        return value

    def mapping(self, key: str) -> dict:
        value = self._get(key, False)
        if not isinstance(value, dict):
            self.fail(_("expected an object, got %(got)s") % {"got": _describe(value)}, key)
        return value

    def decimal(self, key: str, *, low: int, high: int, places: int) -> decimal.Decimal | None:
        """A number with at most ``places`` decimals (0.5 full-time posts), or null."""
        value = self._get(key, False)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:  # NaN != NaN
            self.fail(_("expected a number, got %(got)s") % {"got": _describe(value)}, key)
        number = decimal.Decimal(str(value))
        if not number.is_finite() or not low <= number <= high:
            self.fail(
                _("%(value)s is outside the allowed range %(low)d-%(high)d")
                % {"value": _describe(value), "low": low, "high": high},
                key,
            )
        if number != number.quantize(decimal.Decimal(1).scaleb(-places)):
            self.fail(_("at most %(places)d decimals") % {"places": places}, key)
        return number

    def municipality_code(self, key: str = "code") -> str:
        code = self.text(key, max_length=4)
        if not re.fullmatch(r"[0-9]{4}", code):
            self.fail(_("a municipality code is the four digits of its kommunkod"), key)
        return code


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def _check_texts(file: str, document: Any) -> None:
    """Refuse text PostgreSQL cannot store: NUL characters and lone surrogates (both come from \\u escapes).

    Walks every key and value iteratively (a document may nest as deep as the JSON parser allows).
    """
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        place, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                # A bad key is reported at the object holding it.
                _check_text(file, place, key)
                stack.append((f"{place}.{key}" if place else key, item))
        elif isinstance(value, list):
            stack.extend((f"{place}[{i}]", item) for i, item in enumerate(value))
        elif isinstance(value, str):
            _check_text(file, place, value)


def _check_text(file: str, place: str, text: str) -> None:
    if "\x00" in text:
        raise ReferenceDataError(file, place or _("top level"), _("the text contains a NUL character"))
    if _SURROGATE.search(text):
        raise ReferenceDataError(
            file, place or _("top level"), _("the text contains a lone surrogate, not a character")
        )


def _read_json(path: Path) -> Any:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except RecursionError:
        raise ReferenceDataError(path.name, _("file"), _("nested too deeply")) from None
    except FileNotFoundError:
        raise ReferenceDataError(path.name, _("file"), _("the file does not exist")) from None
    except UnicodeDecodeError as exc:
        raise ReferenceDataError(path.name, _("file"), _("not UTF-8 text (%(error)s)") % {"error": exc}) from None
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(
            path.name,
            _("line %(line)d, column %(column)d") % {"line": exc.lineno, "column": exc.colno},
            _("not valid JSON: %(error)s") % {"error": exc.msg},
        ) from None
    _check_texts(path.name, document)
    return document


def _unique(file: str, label: str, seen: set[str], value: str, what: str) -> None:
    if value in seen:
        raise ReferenceDataError(file, label, _("duplicate %(what)s %(value)r") % {"what": what, "value": value})
    seen.add(value)


def read_reference_data(dataset: str, *, directory: Path = REFERENCE_DIR) -> ReferenceData:
    """Parse and check a dataset's files; raise ReferenceDataError on the first problem."""
    if dataset not in DATASETS:
        raise ReferenceDataError(
            dataset, _("dataset"), _("unknown dataset; known: %(known)s") % {"known": ", ".join(sorted(DATASETS))}
        )
    main_name, supplement_name = DATASETS[dataset]
    main = _Record(main_name, _("top level"), _read_json(directory / main_name))
    supplement = _Record(supplement_name, _("top level"), _read_json(directory / supplement_name))
    if dataset == SHARED_DATASET:
        return _read_city(dataset, main, supplement)
    return _read_published(dataset, main, supplement, _read_shared(directory))


@dataclass(frozen=True)
class _Shared:
    interventions: tuple[InterventionRow, ...]
    methods: tuple[tuple[str, str], ...]
    organisers: tuple[tuple[str, str], ...]
    files: dict[str, str]


def _read_shared(directory: Path) -> _Shared:
    """The installation's shared definitions, from the files of the dataset that defines them."""
    main_name, supplement_name = DATASETS[SHARED_DATASET]
    main = _Record(main_name, _("top level"), _read_json(directory / main_name))
    supplement = _Record(supplement_name, _("top level"), _read_json(directory / supplement_name))
    methods = _read_methods(supplement)
    return _Shared(
        interventions=tuple(_read_base_level(main)),
        methods=tuple(methods),
        organisers=tuple(_read_organisers(supplement)),
        files={"base_level": main_name, "methods": supplement_name},
    )


def _read_base_level(main: _Record) -> list[InterventionRow]:
    file, interventions, intervention_codes = main.file, [], set()
    for i, raw in enumerate(main.items("base_level")):
        rec = _Record(file, f"base_level[{i}]", raw)
        code = rec.slug("code")
        rec.label = f"base_level[{i}] ({code})"
        _unique(file, rec.label, intervention_codes, code, _("code"))
        cap_min = rec.integer("cap_min", low=1, high=50, optional=True)
        cap_max = rec.integer("cap_max", low=1, high=50, optional=True)
        if (cap_min is None) != (cap_max is None) or (cap_min is not None and cap_min > cap_max):
            rec.fail(_("cap_min and cap_max must both be given, lowest first, or neither"), "cap_max")
        # The city default is the top of the proposed range unless the file says otherwise: it cuts
        # no district's practice short before the strategists decide.
        cap_default = rec.integer("cap_default", low=cap_min or 1, high=cap_max or 50, optional=True)
        if cap_default is None:
            cap_default = cap_max
        interventions.append(
            InterventionRow(
                code=code,
                name=rec.text("name_sv", max_length=150),
                category=rec.choice("category", set(InterventionCategory.values)),
                description=rec.text("description", optional=True),
                cap_min=cap_min,
                cap_max=cap_max,
                cap_default=cap_default,
            )
        )
    return interventions


def _read_districts(container: _Record, intervention_codes: set[str]) -> list[DistrictRow]:
    file = container.file
    raw_districts = container.items("districts")
    district_codes: set[str] = set()
    for i, raw in enumerate(raw_districts):
        rec = _Record(file, f"districts[{i}]", raw)
        _unique(file, rec.label, district_codes, rec.slug("code"), _("district code"))

    districts, names = [], set()
    for i, raw in enumerate(raw_districts):
        rec = _Record(file, f"districts[{i}]", raw)
        code = rec.slug("code")
        rec.label = f"districts[{i}] ({code})"
        name = rec.text("name", max_length=100)
        _unique(file, rec.label, names, name, _("district name"))
        purchases = []
        for j, raw_purchase in enumerate(rec.items("purchases_support_from")):
            prec = _Record(file, f"{rec.label}, purchases_support_from[{j}]", raw_purchase)
            seller = prec.choice("from", district_codes - {code})
            purchases.append(
                PurchaseRow(
                    seller=seller,
                    target_group=prec.choice("target_group", _TARGET_GROUPS),
                    share_percent=prec.integer("share_percent", low=1, high=100),
                )
            )
        offerings = []
        for group, codes in rec.mapping("offerings").items():
            rec.choice("offerings", _TARGET_GROUPS, value=group)
            if not isinstance(codes, list):
                rec.fail(_("expected a list of intervention codes for %(group)s") % {"group": group}, "offerings")
            for intervention in codes:
                rec.choice(f"offerings.{group}", intervention_codes, value=intervention)
                if (group, intervention) in offerings:
                    rec.fail(_("duplicate offering %(code)r") % {"code": intervention}, f"offerings.{group}")
                offerings.append((group, intervention))
        representatives = []
        for group, raw_rep in rec.mapping("caregiver_representatives").items():
            rec.choice("caregiver_representatives", _TARGET_GROUPS, value=group)
            rrec = _Record(file, f"{rec.label}, caregiver_representatives.{group}", raw_rep)
            representatives.append(
                RepresentativeRow(
                    target_group=group,
                    count=rrec.integer("count", low=0, high=10000, nullable=True),
                    note=rrec.text("note", optional=True),
                )
            )
        notes = rec.items("notes", optional=True)
        if not all(isinstance(n, str) for n in notes):
            rec.fail(_("expected a list of texts"), "notes")
        budget = rec.integer("budget_sek_per_year", low=0, high=1_000_000_000, nullable=True)
        districts.append(
            DistrictRow(
                code=code,
                name=name,
                placement=rec.text("placement", optional=True),
                own_budget=rec.boolean("own_budget"),
                budget_sek_per_year=budget,
                reported_talk_limit=rec.integer("guidance_talk_cap", low=1, high=50, nullable=True),
                notes="\n".join(n.strip() for n in notes),
                purchases=tuple(purchases),
                offerings=tuple(offerings),
                representatives=tuple(representatives),
            )
        )
    return districts


def _read_networks(main: _Record, district_codes: set[str]) -> list[NetworkRow]:
    file, networks, network_codes = main.file, [], set()
    for i, raw in enumerate(main.items("networks")):
        rec = _Record(file, f"networks[{i}]", raw)
        code = rec.slug("code")
        rec.label = f"networks[{i}] ({code})"
        _unique(file, rec.label, network_codes, code, _("network code"))
        members = rec.items("districts")
        if not members:
            rec.fail(_("a network needs at least one district"), "districts")
        for member in members:
            rec.choice("districts", district_codes, value=member)
        networks.append(
            NetworkRow(
                code=code,
                name=rec.text("name", max_length=100),
                note=rec.text("note", optional=True),
                districts=tuple(members),
            )
        )
    return networks


def _read_methods(supplement: _Record) -> list[tuple[str, str]]:
    file, methods, method_codes = supplement.file, [], set()
    for i, raw in enumerate(supplement.items("methods")):
        rec = _Record(file, f"methods[{i}]", raw)
        code = rec.slug("code")
        _unique(file, rec.label, method_codes, code, _("method code"))
        methods.append((code, rec.text("name", max_length=100)))
    return methods


def _read_organisers(supplement: _Record) -> list[tuple[str, str]]:
    file, organisers, organiser_names = supplement.file, [], set()
    for i, raw in enumerate(supplement.items("organisers", optional=True)):
        rec = _Record(file, f"organisers[{i}]", raw)
        name = rec.text("name", max_length=100)
        _unique(file, rec.label, organiser_names, name, _("organiser"))
        organisers.append((name, rec.choice("kind", {"study_association", "association", "district", "other"})))
    return organisers


def _read_consultants(container: _Record, district_codes: set[str], method_codes: set[str]) -> list[ConsultantRow]:
    file, consultants, refs = container.file, [], set()
    for i, raw in enumerate(container.items("consultants")):
        rec = _Record(file, f"consultants[{i}]", raw)
        ref = rec.text("ref", max_length=20)
        rec.label = f"consultants[{i}] ({ref})"
        _unique(file, rec.label, refs, ref, _("consultant reference"))
        allocations, seen = [], set()
        for j, raw_allocation in enumerate(rec.items("allocations")):
            arec = _Record(file, f"{rec.label}, allocations[{j}]", raw_allocation)
            allocation = AllocationRow(
                district=arec.choice("district", district_codes),
                target_group=arec.choice("target_group", _TARGET_GROUPS),
                percent=arec.integer("percent", low=1, high=100),
            )
            if (allocation.district, allocation.target_group) in seen:
                arec.fail(_("the same district and target group appear twice"), "district")
            seen.add((allocation.district, allocation.target_group))
            allocations.append(allocation)
        if not allocations:
            rec.fail(_("a consultant needs at least one allocation"), "allocations")
        consultant_methods = rec.items("methods", optional=True)
        for method in consultant_methods:
            rec.choice("methods", method_codes, value=str(method).lower())
        # A file without roles (Stockholm 2018's) names consultants only.
        role = rec.choice("role", set(ConsultantRole.values)) if "role" in rec.data else ConsultantRole.CONSULTANT
        consultants.append(
            ConsultantRow(
                ref=ref,
                role=role,
                home_district=rec.choice("home_district", district_codes),
                employment_percent=rec.integer("employment_percent", low=1, high=100),
                target_group=rec.choice("target_group", _TARGET_GROUPS),
                methods=tuple(str(m).lower() for m in consultant_methods),
                has_documented_description=rec.boolean("has_documented_assignment_description"),
                note=rec.text("note", optional=True) if rec.data.get("note") is not None else "",
                allocations=tuple(allocations),
            )
        )
    return consultants


def _read_municipality(supplement: _Record) -> MunicipalityRow:
    mrec = _Record(supplement.file, "municipality", supplement.mapping("municipality"))
    return MunicipalityRow(
        code=mrec.municipality_code(),
        name=mrec.text("name", max_length=100),
        inhabitants=mrec.integer("inhabitants", low=1, high=20_000_000, nullable=True, optional=True),
    )


def _read_city(dataset: str, main: _Record, supplement: _Record) -> ReferenceData:
    """A city's mapping (Stockholm 2018): districts, networks, consultants, the base level and the template."""
    file, supplement_name = main.file, supplement.file
    year = main.integer("year", low=1990, high=2100)
    groups = main.mapping("target_groups")
    unknown_groups = set(groups) - _TARGET_GROUPS
    if unknown_groups:
        main.fail(
            _("unknown target groups: %(groups)s") % {"groups": ", ".join(sorted(unknown_groups))}, "target_groups"
        )
    interventions = _read_base_level(main)
    districts = _read_districts(main, {row.code for row in interventions})
    district_codes = {row.code for row in districts}
    networks = _read_networks(main, district_codes)
    methods = _read_methods(supplement)
    organisers = _read_organisers(supplement)
    consultants = _read_consultants(main, district_codes, {code for code, _name in methods})

    trec = _Record(supplement_name, "assignment_template", supplement.mapping("assignment_template"))
    tasks_rec = _Record(supplement_name, "assignment_template.tasks", trec.mapping("tasks"))
    tasks = []
    for kind in ("operative", "strategic", "general"):
        for k, text in enumerate(tasks_rec.items(kind, optional=True)):
            if not isinstance(text, str) or not text.strip():
                tasks_rec.fail(_("task %(n)d is not a text") % {"n": k}, kind)
            tasks.append((kind, text.strip()))
    if not tasks:
        tasks_rec.fail(_("the template has no tasks"))
    template = TemplateRow(
        series=trec.slug("series"),
        version=trec.integer("version", low=1, high=1000),
        title=trec.text("title", max_length=200),
        introduction=trec.text("introduction", optional=True),
        tasks=tuple(tasks),
    )
    drec = _Record(supplement_name, "documented_descriptions", supplement.mapping("documented_descriptions"))
    try:
        adopted_on = datetime.date.fromisoformat(drec.text("adopted_on", max_length=10))
    except ValueError:
        drec.fail(_("expected a date as YYYY-MM-DD"), "adopted_on")

    municipality = _read_municipality(supplement)
    return ReferenceData(
        dataset=dataset,
        year=year,
        municipality=municipality,
        interventions=tuple(interventions),
        districts=tuple(districts),
        networks=tuple(networks),
        consultants=tuple(consultants),
        methods=tuple(methods),
        organisers=tuple(organisers),
        files={
            "base_level": file,
            "methods": supplement_name,
            "municipality": supplement_name,
            "records": file,
            "template": supplement_name,
            "published": supplement_name,
        },
        template=template,
        documented_adopted_on=adopted_on,
        documented_series_prefix=drec.slug("series_prefix"),
        documented_note=drec.text("note", optional=True),
    )


def _read_published(dataset: str, main: _Record, supplement: _Record, shared: _Shared) -> ReferenceData:
    """A municipality's published figures (Nacka 2022): its contacts by role and channel and a report's
    comparison table (main file); the municipality, its units, staff and the table's own words
    (supplement). The base level, methods and organisers are the installation's shared ones."""
    table = _read_contact_table(main)
    municipality = _read_municipality(supplement)
    districts = _read_districts(supplement, {row.code for row in shared.interventions})
    consultants = _read_consultants(
        supplement, {row.code for row in districts}, {code for code, _name in shared.methods}
    )
    for i, row in enumerate(consultants):
        if row.has_documented_description:
            raise ReferenceDataError(
                supplement.file,
                f'consultants[{i}] ({row.ref}), field "has_documented_assignment_description"',
                _("this dataset has no assignment template to adopt"),
            )
    return ReferenceData(
        dataset=dataset,
        year=table.year,
        municipality=municipality,
        interventions=shared.interventions,
        districts=tuple(districts),
        networks=(),
        consultants=tuple(consultants),
        methods=shared.methods,
        organisers=shared.organisers,
        files={
            **shared.files,
            "municipality": supplement.file,
            "records": supplement.file,
            "published": supplement.file,
        },
        published=tuple(_read_comparison(main, supplement, municipality, table)),
        contact_table=table,
    )


def _read_contact_table(main: _Record) -> ContactTable:
    """The contacts by report role and channel, with the totals checked against the cells."""
    file = main.file
    year = main.integer("year", low=1990, high=2100)
    roles = main.mapping("roles")
    for role in roles:
        main.choice("roles", set(ReportRole.values), value=role)
    channels = main.mapping("channels")
    for channel in channels:
        main.choice("channels", set(Channel.values), value=channel)
    contacts: dict[str, dict[str, int]] = {}
    for role, raw in main.mapping("contacts").items():
        main.choice("contacts", set(roles), value=role)
        rec = _Record(file, f"contacts.{role}", raw)
        contacts[role] = {}
        for channel in rec.data:
            rec.choice(channel, set(channels), value=channel)
            contacts[role][channel] = rec.integer(channel, low=0, high=1_000_000)
    if not contacts:
        main.fail(_("the table has no contacts"), "contacts")
    trec = _Record(file, "totals", main.mapping("totals"))
    totals: dict[str, int] = {}
    for channel in [*channels, "all"]:
        if channel == "all":
            expected = sum(totals.values())
        else:
            expected = sum(cells.get(channel, 0) for cells in contacts.values())
        value = trec.integer(channel, low=0, high=10_000_000)
        if value != expected:
            trec.fail(
                _("%(value)d is not the sum of the table's cells, %(sum)d") % {"value": value, "sum": expected},
                channel,
            )
        totals[channel] = value
    return ContactTable(year=year, contacts=contacts, totals=totals)


def _read_comparison(
    main: _Record, supplement: _Record, municipality: MunicipalityRow, table: ContactTable
) -> list[PublishedRow]:
    """The comparison table: inhabitants and cost from the main file, the rest (kommunkod, the report's
    own words, full-time posts, reach as a number and unit) from the supplement, matched by name. The
    dataset's own municipality gets its contacts table as the breakdown."""
    compared: dict[str, tuple[int | None, int | None]] = {}
    for i, raw in enumerate(main.items("comparison_municipalities")):
        rec = _Record(main.file, f"comparison_municipalities[{i}]", raw)
        name = rec.text("name", max_length=100)
        rec.label = f"comparison_municipalities[{i}] ({name})"
        if name in compared:
            rec.fail(_("duplicate municipality %(name)r") % {"name": name}, "name")
        compared[name] = (
            rec.integer("population", low=1, high=20_000_000, nullable=True),
            rec.integer("cost_sek_per_year", low=0, high=2_000_000_000, nullable=True),
        )
    prec = _Record(supplement.file, "published_figures", supplement.mapping("published_figures"))
    source = prec.text("source", max_length=200)
    detail_source = prec.text("detail_source", optional=True, max_length=200)
    rows, codes = [], set()
    for i, raw in enumerate(prec.items("municipalities")):
        rec = _Record(supplement.file, f"published_figures.municipalities[{i}]", raw)
        name = rec.choice("name", set(compared))
        rec.label = f"published_figures.municipalities[{i}] ({name})"
        code = rec.municipality_code()
        _unique(supplement.file, rec.label, codes, code, _("municipality code"))
        own = name == municipality.name
        if own != (code == municipality.code):
            rec.fail(
                _("the dataset's municipality is %(code)s %(name)s")
                % {"code": municipality.code, "name": municipality.name},
                "code",
            )
        if name in {row.municipality_name for row in rows}:
            rec.fail(_("duplicate municipality %(name)r") % {"name": name}, "name")
        reach_unit = rec.choice("reach_unit", {"", *ReachUnit.values})
        reach_count = rec.integer("reach_count", low=0, high=20_000_000, nullable=True)
        if (reach_count is None) != (reach_unit == ""):
            rec.fail(_("a reach count needs its unit, and a unit its count"), "reach_unit")
        inhabitants, cost = compared[name]
        row_source = f"{source}; {detail_source}" if own and detail_source else source
        if len(row_source) > 200:
            prec.fail(_("text longer than %(max)d characters") % {"max": 200 - len(source) - 2}, "detail_source")
        rows.append(
            PublishedRow(
                label=rec.label,
                municipality_code=code,
                municipality_name=name,
                source=row_source,
                inhabitants=inhabitants,
                staff=rec.text("staff", max_length=200),
                staff_fte=rec.decimal("staff_fte", low=0, high=999, places=2),
                reach=rec.text("reach", max_length=200),
                reach_count=reach_count,
                reach_unit=reach_unit,
                cost_sek=cost,
                cost=rec.text("cost_as_published", optional=True, max_length=200),
                detail={"contacts": table.contacts, "totals": table.totals} if own else {},
            )
        )
    missing = sorted(set(compared) - {row.municipality_name for row in rows})
    if missing:
        prec.fail(_("no figures for %(names)s") % {"names": ", ".join(missing)}, "municipalities")
    return rows
