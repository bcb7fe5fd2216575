"""The outcomes part of the follow-up report: content and tables, counted by hand on the fixed dataset."""

import json

from django.utils import translation

from followup.publication import MARK, suppress_tables_for_publication
from followup.reports import report_content, report_tables
from outcomes.reports import outcome_report_tables
from outcomes.tests.test_selectors import YEAR, dataset  # noqa: F401 - the fixed dataset, as a fixture


def _content(districts) -> dict:
    return json.loads(json.dumps(report_content(period=YEAR, district_ids=[d.pk for d in districts])))


def test_report_content_holds_each_district_and_the_scope_as_one(dataset):  # noqa: F811
    content = _content(dataset)

    outcomes = content["outcomes"]
    assert outcomes["now"]["districts"]["bromma"]["ors"] == {"series": 3, "change_sum": 14, "improved": 2}
    assert outcomes["now"]["districts"]["farsta"]["followup"]["caregivers"] == 3
    assert outcomes["now"]["scope"]["followup"] == {
        "caregivers": 8, "followed_up": 4, "answers": 6, "desired": 4, "partly": 1,
    }  # fmt: skip
    # Codes in the figures, their names as they were when compiled (the tables read these).
    assert outcomes["type_names"]["guidance_talks"] == "Enskilda (vägledande) samtal"
    assert "previous" not in outcomes  # no table reads the previous period: not compiled


def test_report_tables_of_outcomes(dataset):  # noqa: F811
    content = _content(dataset)
    names = {d["code"]: d["name"] for d in content["districts"]}

    with translation.override("en"):
        tables = {t.id: t for t in report_tables(content) if t.id.startswith("outcomes")}

    summary = tables["outcomes"]
    assert list(tables) == ["outcomes", "outcomes_by_role", "outcomes_by_type"]
    assert summary.rows[0] == [names["bromma"], 9, 8, 88.9, 3, 4.7, 2, 6, 2, 33.3, 4, 2, 50.0]
    assert summary.rows[1] == [names["farsta"], 4, 4, 100.0, 2, 2.0, 1, 3, 2, 66.7, 2, 2, 100.0]
    assert summary.rows[2][1:] == [13, 12, 92.3, 5, 3.6, 3, 8, 4, 50.0, 6, 4, 66.7]
    assert summary.person_columns == frozenset({4, 6, 7, 8, 10, 11})
    assert summary.derived_columns == {3: (1, 2), 5: (4,), 9: (7, 8), 12: (10, 11)}
    by_role = [row[:2] + row[5:8] + row[11:] for row in tables["outcomes_by_role"].rows if row[0] == names["bromma"]]
    assert by_role == [
        [names["bromma"], "Consultant 65+", 2, 2.0, 1, 1, 0, 0.0],
        [names["bromma"], "Dementia nurse", 1, 10.0, 1, 3, 2, 66.7],
        [names["bromma"], "All", 3, 4.7, 2, 4, 2, 50.0],
    ]
    by_type = [row[1:2] + row[8:11] for row in tables["outcomes_by_type"].rows if row[0] == names["farsta"]]
    assert by_type == [["Anhörigcirkel", 2, 1, 50.0], ["Enskilda (vägledande) samtal", 2, 1, 50.0], ["All", 3, 2, 66.7]]


def test_a_report_compiled_before_outcomes_has_no_outcome_tables(dataset):  # noqa: F811
    content = _content(dataset)
    del content["outcomes"]

    assert outcome_report_tables(content) == []
    assert not [t for t in report_tables(content) if t.id.startswith("outcomes")]


def test_publication_hides_small_person_counts_of_outcomes(dataset):  # noqa: F811
    tables = [t for t in report_tables(_content(dataset)) if t.id.startswith("outcomes")]

    published = {t.id: t for t in suppress_tables_for_publication(tables)}

    summary = published["outcomes"]
    # Bromma's 3 series measured hide, and with them their mean change; talks (occasions) stay.
    assert summary.rows[0][1:3] == [9, 8]
    assert summary.rows[0][4:6] == [MARK, MARK]
