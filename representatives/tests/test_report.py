"""The register in the follow-up report: counts by district and target group, trainings, publication."""

import datetime

import pytest
from django.utils import translation

from districts.tests.factories import DistrictFactory, NetworkFactory, RepresentativeCountFactory
from figures.periods import Period
from figures.tables import Line
from followup.publication import MARK, _determined, suppress_tables_for_publication
from followup.reports import report_content, report_links, report_tables
from representatives.tests.factories import RepresentativeFactory, RepresentativeTrainingFactory

YEAR = Period.year(2025)  # the counts are taken on its last day


@pytest.fixture
def content(db):
    farsta, kista = DistrictFactory(code="farsta", name="Farsta"), DistrictFactory(code="kista", name="Kista")
    RepresentativeCountFactory(district=farsta, target_group="65_plus", count=20)  # replaced by the register
    RepresentativeCountFactory(district=kista, target_group="65_plus", count=3)
    older = RepresentativeFactory.create_batch(6, district=farsta, target_group="65_plus")
    RepresentativeFactory.create_batch(2, district=farsta, target_group="under_65")
    RepresentativeFactory(district=farsta, ended_on=datetime.date(2025, 6, 1))  # left during the year
    older[0].next_refresher = datetime.date(2025, 12, 1)  # overdue on 31 December
    older[1].next_refresher = datetime.date(2026, 1, 15)  # due within 30 days
    for rep in older[:2]:
        rep.save()
    network = NetworkFactory(districts=[farsta, kista])
    RepresentativeTrainingFactory(districts=[farsta], kind="refresher", date=datetime.date(2025, 5, 1),
                                  participants=4, representatives=older[:2])  # fmt: skip
    RepresentativeTrainingFactory(districts=[farsta, kista], network=network, date=datetime.date(2025, 9, 1),
                                  participants=10, representatives=older[1:3])  # fmt: skip
    RepresentativeTrainingFactory(districts=[farsta], date=datetime.date(2024, 1, 1), representatives=older[3:4])
    return report_content(period=YEAR, district_ids=[farsta.pk, kista.pk])


def _table(tables, table_id):
    return next(t for t in tables if t.id == table_id)


def test_the_report_counts_from_the_register_and_keeps_the_reference_where_there_is_none(content):
    with translation.override("en"):
        tables = report_tables(content)

    assert content["representatives"] == {"farsta": {"under_65": 2, "65_plus": 6}, "kista": {"65_plus": 3}}
    assert _table(tables, "representatives").rows == [
        ["Farsta", "Under 65 (younger)", 2, "Register"],
        ["Farsta", "65 and over (older)", 6, "Register"],
        ["Farsta", "All target groups", 8, "Register"],
        ["Kista", "65 and over (older)", 3, "2018 reference"],
        ["Kista", "All target groups", 3, "2018 reference"],
        ["Total: Chosen districts", "Under 65 (younger)", 2, "2018 reference"],
        ["Total: Chosen districts", "65 and over (older)", 9, "2018 reference"],
        ["Total: Chosen districts", "All target groups", 11, "2018 reference"],
    ]
    # The consultants table's column of representatives follows the same rule.
    assert [row[6] for row in _table(tables, "consultants").rows] == [8, 3, 11]
    assert _table(tables, "representative_trainings").rows == [
        ["Farsta", 2, 1, 3, 14, 1, 1],
        ["Kista", 1, 0, 0, 10, "–", "–"],
        ["Total: Chosen districts", 2, 1, 3, 14, 1, 1],
    ]
    assert _table(tables, "representatives").person_columns == frozenset({2})
    assert _table(tables, "representative_trainings").person_columns == frozenset({3, 4, 5, 6})


def test_a_report_compiled_before_the_register_reads_as_it_did(content):
    old = {k: v for k, v in content.items() if k != "representative_register"}
    old["representatives"] = {"farsta": {"65_plus": 20}, "kista": {"65_plus": 3}}

    tables = report_tables(old)

    assert [t.id for t in tables if t.id.startswith("representative")] == []
    assert [row[6] for row in _table(tables, "consultants").rows] == [20, 3, 23]


def test_publication_hides_small_counts_and_nothing_hidden_can_be_worked_out(content):
    with translation.override("en"):
        tables = report_tables(content)
    links = report_links(tables)

    published = {t.id: t for t in suppress_tables_for_publication(tables, links)}

    counts, consultants = published["representatives"], published["consultants"]
    # 2 and 3 hidden; then 8 (Farsta's total would give its 2 away), Kista's total (its one group),
    # and the scope's groups: each sum left holds two hidden cells or none.
    assert [row[2] for row in counts.rows] == [MARK, 6, MARK, MARK, MARK, MARK, MARK, 11]
    # Each unit's total is one number in both tables: hidden in both.
    assert [row[6] for row in consultants.rows] == [MARK, MARK, 11]
    trainings = published["representative_trainings"]
    assert trainings.rows == [
        ["Farsta", 2, 1, MARK, 14, MARK, MARK],  # trainings are occasions, published as they are
        ["Kista", 1, 0, 0, 10, "–", "–"],
        ["Total: Chosen districts", 2, 1, MARK, 14, MARK, MARK],
    ]
    assert all(
        row[c] == MARK or not 1 <= row[c] <= 4
        for t in published.values()
        for row in t.rows
        for c in t.person_columns
        if isinstance(row[c], int)
    )
    hidden = {(t.id, r, c) for t in published.values() for r, row in enumerate(t.rows) for c, v in enumerate(row)
              if v == MARK}  # fmt: skip
    lines = [Line((t.id, *line.total), tuple((t.id, *p) for p in line.parts)) for t in tables for line in t.lines]
    # Each line of the tables and across them: none gives a hidden count away, alone or together.
    assert _determined(hidden, [*lines, *links]) == set()
