"""What the reference data's tests share: a copy of the product's data files to break on purpose."""

import json
import shutil

import pytest

from reference.schema import REFERENCE_DIR


@pytest.fixture
def data_dir(tmp_path):
    for path in REFERENCE_DIR.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def edit_data_file(data_dir, name, change):
    path = data_dir / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
