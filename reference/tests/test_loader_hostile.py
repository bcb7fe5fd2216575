"""Hostile reference data: the loader refuses it with a message naming the place, and saves nothing.

Each example takes the product's own Stockholm 2018 files, changes one place (a value replaced by a
hostile one, a key or item removed, a value buried in deep nesting) and runs the management command
on the corrected copy, as a maintainer would with --directory.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import Role
from accounts.tests.factories import UserFactory
from anhorigstod.tests.hostile import HOSTILE, SCRIPT, hostile_text
from consultants.models import Allocation, AssignmentDescription, AssignmentTask, Consultant, DescriptionAssignment
from districts.models import CaregiverRepresentativeCount, District, Network, SupportPurchase
from interventions.models import DistrictOffering, InterventionType, Organiser
from reference.schema import DATASETS, REFERENCE_DIR

DATASET = "stockholm-2018"
MAIN, SUPPLEMENT = DATASETS[DATASET]
MODELS = [
    District,
    Network,
    SupportPurchase,
    CaregiverRepresentativeCount,
    InterventionType,
    DistrictOffering,
    Organiser,
    Consultant,
    Allocation,
    AssignmentDescription,
    AssignmentTask,
    DescriptionAssignment,
]
# "Nothing was loaded. <file>, <record>: <what is wrong>"
CLEAR_MESSAGE = re.compile(
    rf"^Nothing was loaded\. ({re.escape(MAIN)}|{re.escape(SUPPLEMENT)}|{re.escape(DATASET)}), [^:]+: .+", re.DOTALL
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _documents() -> dict[str, object]:
    return {name: json.loads((REFERENCE_DIR / name).read_text(encoding="utf-8")) for name in (MAIN, SUPPLEMENT)}


ORIGINAL = _documents()


def _paths(value, prefix=()) -> list[tuple]:
    """Every place in a document: the keys and indexes leading to it."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*prefix, index)))
    return found


PLACES = [(name, path) for name, document in ORIGINAL.items() for path in _paths(document)]


def _snapshot() -> dict[str, list[tuple]]:
    return {model._meta.label: list(model._default_manager.order_by("pk").values_list()) for model in MODELS}


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([2**63, 2**70, -(2**63) - 1, -1, 0, 10**400, 1e308, -1e308, 0.5, float("nan"), float("inf")]),
    st.integers(),
    hostile_text.filter(lambda text: len(text) < 20_000),
    st.sampled_from(["\x00", "a\x00b", "\ud800", "x\udfff", "0000-00-00", "10000-01-01", "2018-02-30"]),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.sampled_from(["code", "name", "", "\x00"]), children)
    ),
    max_leaves=5,
)


def _deep(depth: int) -> object:
    value: object = "x"
    for _ in range(depth):
        value = [value]
    return value


@st.composite
def mutations(draw) -> tuple[str, tuple, str, object]:
    name, path = draw(st.sampled_from(PLACES))
    kind = draw(st.sampled_from(["replace", "replace", "replace", "remove", "nest"]))
    value = draw(json_values) if kind == "replace" else None
    return name, path, kind, value


def _apply(documents: dict, name: str, path: tuple, kind: str, value) -> None:
    parent = documents[name]
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if kind == "remove":
        del parent[last]
    elif kind == "nest":
        parent[last] = _deep(100_000)
    else:
        parent[last] = value


def _write(directory: Path, documents: dict) -> None:
    for name, document in documents.items():
        (directory / name).write_text(json.dumps(document, ensure_ascii=True, indent=1), encoding="utf-8")


def _write_nested(directory: Path, documents: dict, name: str, path: tuple) -> None:
    """Bury a value under 100,000 levels of lists, written as text (the encoder cannot go that deep)."""
    marker = "__DEEP__"
    _apply(documents, name, path, "replace", marker)
    for other, document in documents.items():
        text = json.dumps(document, ensure_ascii=True, indent=1)
        if other == name:
            text = text.replace(json.dumps(marker), "[" * 100_000 + "1" + "]" * 100_000, 1)
        (directory / other).write_text(text, encoding="utf-8")


def _load(directory: Path) -> None:
    """As on the command line: the dataset and --directory."""
    call_command("load_reference_data", DATASET, "--directory", str(directory), stdout=io.StringIO())


@given(mutation=mutations())
@settings(HOSTILE, max_examples=60)
def test_the_loader_refuses_hostile_data_cleanly_or_loads_it_harmlessly(
    mutation, reference_data, tmp_path, client, in_english
):
    name, path, kind, value = mutation
    documents = json.loads(json.dumps(ORIGINAL))
    if kind == "nest":
        _write_nested(tmp_path, documents, name, path)
    else:
        _apply(documents, name, path, kind, value)
        _write(tmp_path, documents)
    before = _snapshot()
    savepoint = transaction.savepoint()
    try:
        try:
            _load(tmp_path)
        except CommandError as error:
            assert CLEAR_MESSAGE.match(str(error)), str(error)
            assert _snapshot() == before
            return
        # Loaded: whatever text it took is shown escaped.
        client.force_login(UserFactory(role=Role.STRATEGIST))
        district = District.objects.order_by("pk").first()
        for page in ("/city/", f"/dashboard/{district.code}/"):
            response = client.get(page)
            assert response.status_code == 200, page
            html = response.content.decode()
            assert SCRIPT not in html and "<img src=x onerror" not in html and "<svg onload" not in html
    finally:
        transaction.savepoint_rollback(savepoint)


def _copy(tmp_path: Path) -> Path:
    for name in (MAIN, SUPPLEMENT):
        shutil.copy(REFERENCE_DIR / name, tmp_path / name)
    return tmp_path


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "stockholm_2018.json, line 1, column 1: not valid JSON: Expecting value"),
        (b"\xff\xfe{}", "stockholm_2018.json, file: not UTF-8 text"),
        ("\ufeff{}".encode(), "stockholm_2018.json, line 1, column 1: not valid JSON: Unexpected UTF-8 BOM"),
        (b'{"year": 2018\x00}', "stockholm_2018.json, line 1, column 14: not valid JSON"),
        (b'{"year": 20', "stockholm_2018.json, line 1, column 12: not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "stockholm_2018.json, file: nested too deeply"),
        (b"[]", "stockholm_2018.json, top level: expected an object, got []"),
        (b'{"year": NaN}', 'stockholm_2018.json, top level, field "year": expected a whole number, got NaN'),
        (b'{"year": 1e309}', 'stockholm_2018.json, top level, field "year": expected a whole number, got Infinity'),
        (
            b'{"year": 99999999999999999999999}',
            'stockholm_2018.json, top level, field "year": 99999999999999999999999 is outside the allowed range',
        ),
    ],
)
def test_a_broken_file_is_refused_with_its_place_and_nothing_changes(content, expected, db, tmp_path):
    directory = _copy(tmp_path)
    (directory / MAIN).write_bytes(content)
    before = _snapshot()

    with pytest.raises(CommandError) as raised:
        _load(directory)

    assert str(raised.value).startswith(f"Nothing was loaded. {expected}"), str(raised.value)
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("name", "Bromma\x00", "stockholm_2018.json, districts[0].name: the text contains a NUL character"),
        ("notes", ["ok", "x\x00"], "stockholm_2018.json, districts[0].notes[1]: the text contains a NUL character"),
        (
            "placement",
            "\ud800",
            "stockholm_2018.json, districts[0].placement: the text contains a lone surrogate, not a character",
        ),
        (
            "offerings",
            {"65_plus": [{"code": "advice"}]},
            'stockholm_2018.json, districts[0] (bromma), field "offerings.65_plus": {"code": "advice"} is not one of: ',
        ),
        (
            "purchases_support_from",
            [{"from": ["farsta"]}],
            'stockholm_2018.json, districts[0] (bromma), purchases_support_from[0], field "from": ["farsta"] is not',
        ),
    ],
)
def test_text_the_database_cannot_hold_and_unhashable_values_are_refused_by_place(
    field, value, expected, reference_data, tmp_path
):
    directory = _copy(tmp_path)
    documents = _documents()
    district = next(d for d in documents[MAIN]["districts"] if d["code"] == "bromma")
    documents[MAIN]["districts"] = [district, *[d for d in documents[MAIN]["districts"] if d is not district]]
    district[field] = value
    _write(directory, documents)
    before = _snapshot()

    with pytest.raises(CommandError) as raised:
        _load(directory)

    assert str(raised.value).startswith(f"Nothing was loaded. {expected}"), str(raised.value)
    assert _snapshot() == before


def test_markup_in_the_data_loads_as_text_and_is_shown_escaped(reference_data, tmp_path, client, in_english):
    directory = _copy(tmp_path)
    documents = _documents()
    district = documents[MAIN]["districts"][0]
    district["name"] = f"Bromma {SCRIPT}"
    _write(directory, documents)

    _load(directory)

    client.force_login(UserFactory(role=Role.STRATEGIST))
    stored = District.objects.get(code=district["code"])
    html = client.get("/city/").content.decode()
    assert stored.name == f"Bromma {SCRIPT}"
    assert SCRIPT not in html
    assert "Bromma &lt;script&gt;alert(1)&lt;/script&gt;" in html
