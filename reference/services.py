"""Loading the reference data (``schema`` reads and checks the files first)."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models, transaction

from benchmark.models import PublishedFigures
from consultants.models import (
    Allocation,
    AssignmentDescription,
    AssignmentTask,
    Consultant,
    DescriptionAssignment,
    Method,
)
from districts.models import Budget, CaregiverRepresentativeCount, District, Municipality, Network, SupportPurchase
from interventions.models import DistrictOffering, InterventionType, Organiser

from .schema import REFERENCE_DIR, ReferenceData, ReferenceDataError, read_reference_data


@dataclass
class LoadSummary:
    """What a load did, per model: rows created, updated and deleted (unchanged rows are not counted)."""

    dataset: str
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated or +self.deleted)


class _Writer:
    """Brings rows to the file's values, touching only what differs, so a reload changes nothing."""

    def __init__(self, summary: LoadSummary, file: str):
        # The file a record is reported in unless the caller names another.
        self.summary, self.file = summary, file
        # Rows created by this load: filling their relations is part of creating them, not an update.
        self.fresh: set[tuple[str, int]] = set()

    def _save(self, obj: models.Model, record: str, file: str | None) -> None:
        try:
            obj.full_clean()
        except ValidationError as exc:
            details = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items())
            raise ReferenceDataError(file or self.file, record, details) from None
        obj.save()

    def sync(
        self, model: type[models.Model], record: str, lookup: dict, values: dict, *, file: str | None = None
    ) -> models.Model:
        obj = model._default_manager.filter(**lookup).first()
        label = model._meta.label
        if obj is None:
            obj = model(**lookup, **values)
            self._save(obj, record, file)
            self.summary.created[label] += 1
            self.fresh.add((label, obj.pk))
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            self._save(obj, record, file)
            self.summary.updated[label] += 1
        return obj

    def delete_others(self, queryset: models.QuerySet, keep_ids: set[int]) -> None:
        extra = queryset.exclude(pk__in=keep_ids)
        count = extra.count()
        if count:
            extra.delete()
            self.summary.deleted[queryset.model._meta.label] += count

    def set_members(self, obj: models.Model, relation: str, targets: list[models.Model]) -> None:
        manager = getattr(obj, relation)
        if set(manager.values_list("pk", flat=True)) != {t.pk for t in targets}:
            manager.set(targets)
            self._touched(obj)

    def sync_tasks(self, description: AssignmentDescription, tasks: tuple[tuple[str, str], ...]) -> None:
        wanted = [(kind, text, position) for position, (kind, text) in enumerate(tasks)]
        current = list(description.tasks.order_by("position", "pk").values_list("kind", "text", "position"))
        if current != wanted:
            description.tasks.all().delete()
            AssignmentTask.objects.bulk_create(
                AssignmentTask(description=description, kind=kind, text=text, position=position)
                for kind, text, position in wanted
            )
            self._touched(description)

    def _touched(self, obj: models.Model) -> None:
        if (obj._meta.label, obj.pk) not in self.fresh:
            self.summary.updated[obj._meta.label] += 1


@transaction.atomic
def reference_data_load(*, dataset: str, directory: Path = REFERENCE_DIR) -> LoadSummary:
    """Load a reference dataset in one transaction: all of it, or nothing if any record is bad.

    The file is the truth for the records it names: reloading resets them to the file's values
    and removes allocations, offerings, purchases and representative counts of those records that
    the file no longer lists. Records the file does not name are left alone. Every dataset also
    loads the installation's shared definitions (base level, methods, organisers) from the same
    file, so datasets loaded in any order agree and a reload of either changes nothing.
    """
    data = read_reference_data(dataset, directory=directory)
    summary = LoadSummary(dataset=dataset)
    writer = _Writer(summary, data.files["records"])

    methods, interventions = _load_shared(writer, data)
    municipality = writer.sync(
        Municipality,
        f"municipality ({data.municipality.code})",
        {"code": data.municipality.code},
        {"name": data.municipality.name, "inhabitants": data.municipality.inhabitants},
        file=data.files["municipality"],
    )
    districts = _load_districts(writer, data, municipality, interventions)
    _load_networks(writer, data, districts)
    consultants = _load_consultants(writer, data, districts, methods)
    if data.template is not None:
        _load_descriptions(writer, data, municipality, districts, consultants)
    _load_published(writer, data, municipality)
    return summary


def _load_shared(writer: _Writer, data: ReferenceData) -> tuple[dict[str, Method], dict[str, InterventionType]]:
    """The installation's shared definitions: the same values whichever dataset loads them."""
    methods = {
        code: writer.sync(Method, f"methods ({code})", {"code": code}, {"name": name}, file=data.files["methods"])
        for code, name in data.methods
    }
    interventions = {
        row.code: writer.sync(
            InterventionType,
            f"base_level ({row.code})",
            {"code": row.code},
            {
                "name": row.name,
                "category": row.category,
                "description": row.description,
                "cap_min": row.cap_min,
                "cap_max": row.cap_max,
                "cap_default": row.cap_default,
                "position": position,
            },
            file=data.files["base_level"],
        )
        for position, row in enumerate(data.interventions, start=1)
    }
    for name, kind in data.organisers:
        writer.sync(Organiser, f"organisers ({name})", {"name": name}, {"kind": kind}, file=data.files["methods"])
    return methods, interventions


def _load_published(writer: _Writer, data: ReferenceData, municipality: Municipality) -> None:
    """A report's figures of each municipality it compares, as published. The others are rows of
    their own without districts: they do not log here, so only their name is loaded."""
    for row in data.published:
        if row.municipality_code == municipality.code:
            compared = municipality
        else:
            compared = writer.sync(
                Municipality,
                row.label,
                {"code": row.municipality_code},
                {"name": row.municipality_name},
                file=data.files["published"],
            )
        writer.sync(
            PublishedFigures,
            row.label,
            {"municipality": compared, "year": data.year},
            {
                "source": row.source,
                "inhabitants": row.inhabitants,
                "staff": row.staff,
                "staff_fte": row.staff_fte,
                "reach": row.reach,
                "reach_count": row.reach_count,
                "reach_unit": row.reach_unit,
                "cost_sek": row.cost_sek,
                "cost": row.cost,
                "detail": row.detail,
            },
            file=data.files["published"],
        )


def _load_districts(
    writer: _Writer, data: ReferenceData, municipality: Municipality, interventions: dict[str, InterventionType]
) -> dict[str, District]:
    districts = {}
    for row in data.districts:
        districts[row.code] = writer.sync(
            District,
            f"districts ({row.code})",
            {"code": row.code},
            {
                "municipality": municipality,
                "name": row.name,
                "placement": row.placement,
                "own_budget": row.own_budget,
                "reported_talk_limit": row.reported_talk_limit,
                "notes": row.notes,
            },
        )
    valid_from = datetime.date(data.year, 1, 1)  # the dataset's budgets and allocations are its year's
    for row in data.districts:
        district, record = districts[row.code], f"districts ({row.code})"
        budgets = Budget.objects.filter(district=district, valid_from=valid_from)
        if row.budget_sek_per_year is None:
            writer.delete_others(budgets, set())
        else:
            writer.sync(Budget, record, {"district": district, "valid_from": valid_from},
                        {"sek_per_year": row.budget_sek_per_year})  # fmt: skip
        keep = {
            writer.sync(
                SupportPurchase,
                record,
                {"buyer": district, "seller": districts[p.seller], "target_group": p.target_group},
                {"share_percent": p.share_percent},
            ).pk
            for p in row.purchases
        }
        writer.delete_others(SupportPurchase.objects.filter(buyer=district), keep)
        keep = {
            writer.sync(
                DistrictOffering,
                record,
                {"district": district, "target_group": group, "intervention_type": interventions[code]},
                {},
            ).pk
            for group, code in row.offerings
        }
        writer.delete_others(DistrictOffering.objects.filter(district=district), keep)
        keep = {
            writer.sync(
                CaregiverRepresentativeCount,
                record,
                {"district": district, "target_group": rep.target_group},
                {"count": rep.count, "note": rep.note},
            ).pk
            for rep in row.representatives
        }
        writer.delete_others(CaregiverRepresentativeCount.objects.filter(district=district), keep)
    return districts


def _load_networks(writer: _Writer, data: ReferenceData, districts: dict[str, District]) -> None:
    for row in data.networks:
        network = writer.sync(
            Network, f"networks ({row.code})", {"code": row.code}, {"name": row.name, "note": row.note}
        )
        writer.set_members(network, "districts", [districts[code] for code in row.districts])


def _load_consultants(
    writer: _Writer, data: ReferenceData, districts: dict[str, District], methods: dict[str, Method]
) -> dict[str, Consultant]:
    consultants = {}
    for row in data.consultants:
        record = f"consultants ({row.ref})"
        consultant = writer.sync(
            Consultant,
            record,
            {"ref": row.ref},
            {
                "role": row.role,
                "home_district": districts[row.home_district],
                "employment_percent": row.employment_percent,
                "target_group": row.target_group,
                "note": row.note,
            },
        )
        writer.set_members(consultant, "methods", [methods[code] for code in row.methods])
        lookup = {"consultant": consultant, "valid_from": datetime.date(data.year, 1, 1)}
        keep = {
            writer.sync(
                Allocation,
                record,
                {**lookup, "district": districts[a.district], "target_group": a.target_group},
                {"percent": a.percent},
            ).pk
            for a in row.allocations
        }
        # The dataset's year only: allocations entered since (the history of staffing) are kept.
        writer.delete_others(Allocation.objects.filter(**lookup), keep)
        consultants[row.ref] = consultant
    return consultants


def _load_descriptions(
    writer: _Writer,
    data: ReferenceData,
    municipality: Municipality,
    districts: dict[str, District],
    consultants: dict[str, Consultant],
) -> None:
    tpl = data.template
    template = writer.sync(
        AssignmentDescription,
        "assignment_template",
        {"series": tpl.series, "version": tpl.version},
        {
            "title": tpl.title,
            "introduction": tpl.introduction,
            "district": None,
            "municipality": municipality,
            "based_on": None,
            "target_group": "",
        },
        file=data.files["template"],
    )
    writer.sync_tasks(template, tpl.tasks)
    # The consultants the mapping found with a documented description get it as an adoption of the
    # template (the template was written from that description).
    for row in data.consultants:
        if not row.has_documented_description:
            continue
        district = districts[row.home_district]
        description = writer.sync(
            AssignmentDescription,
            f"consultants ({row.ref})",
            {"series": f"{data.documented_series_prefix}-{row.home_district}-{row.target_group}".replace("_", "-")},
            {
                "version": 1,
                "title": f"{tpl.title.split('(')[0].strip()}, {district.name}",
                "district": district,
                "target_group": row.target_group,
                "based_on": template,
                "introduction": data.documented_note,
                "adopted_on": data.documented_adopted_on,
            },
        )
        writer.sync_tasks(description, tpl.tasks)
        writer.sync(
            DescriptionAssignment,
            f"consultants ({row.ref})",
            {"consultant": consultants[row.ref], "description": description},
            {"valid_from": data.documented_adopted_on, "valid_until": None},
        )
