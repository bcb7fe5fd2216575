"""backup_database and restore_database: whole files or none, mode 0600, an empty target only, and a
clear error (never a traceback) for a missing or damaged backup. The drill is in test_backup_drill.py."""

import hashlib
import json
import os
import sqlite3
import stat

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from districts.tests.factories import DistrictFactory

from .databases import fresh_database, manage, postgres_url, query, table_counts


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest(path) -> dict:
    return json.loads(path.with_name(path.name + ".manifest.json").read_text())


def _backup(tmp_path, name="nightly.dump"):
    output = tmp_path / name
    call_command("backup_database", "--output", str(output))
    return output


def test_a_backup_is_the_dump_and_its_manifest_both_readable_by_the_owner_only(transactional_db, postgresql, tmp_path):
    DistrictFactory.create_batch(3)

    output = _backup(tmp_path)

    manifest = _manifest(output)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nightly.dump", "nightly.dump.manifest.json"]
    for path in tmp_path.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert output.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert manifest["vendor"] == "postgresql"
    assert manifest["sha256"] == _sha256(output)
    assert manifest["bytes"] == output.stat().st_size
    assert manifest["tables"]["districts_district"] == 3
    assert manifest["tables"] == table_counts(connection.settings_dict["NAME"])
    assert "operations.0001_initial" in manifest["migrations"]


def test_a_failed_dump_leaves_the_previous_backup_untouched_and_no_partial_file(
    transactional_db, postgresql, tmp_path, monkeypatch
):
    DistrictFactory()
    output = _backup(tmp_path)
    kept = (_sha256(output), output.with_name("nightly.dump.manifest.json").read_text())
    # A pg_dump that writes half a dump and dies, as when the server goes away mid-backup.
    tools = tmp_path / "bin"
    tools.mkdir()
    script = "#!/bin/sh\nprintf 'PGDMP half'\necho 'pg_dump: error: connection lost' >&2\nexit 1\n"
    (tools / "pg_dump").write_text(script)
    (tools / "pg_dump").chmod(0o700)
    monkeypatch.setenv("PATH", f"{tools}:{os.environ['PATH']}")
    DistrictFactory()

    with pytest.raises(CommandError) as failed:
        call_command("backup_database", "--output", str(output))

    assert str(failed.value) == (
        "Backup failed, no backup written: pg_dump failed (exit 1): pg_dump: error: connection lost"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin", "nightly.dump", "nightly.dump.manifest.json"]
    assert (_sha256(output), output.with_name("nightly.dump.manifest.json").read_text()) == kept


def test_restore_refuses_a_database_with_any_table_and_restores_the_same_backup_into_an_empty_one(
    transactional_db, postgresql, tmp_path
):
    DistrictFactory.create_batch(2)
    output = _backup(tmp_path)
    source = connection.settings_dict["NAME"]
    before = table_counts(source)

    with fresh_database() as target:
        query(target, "CREATE TABLE leftover (id int)")  # one table is enough to make it not empty
        refused = manage("restore_database", str(output), database_url=postgres_url(target))
        into_source = manage("restore_database", str(output), database_url=postgres_url(source))

        assert refused.returncode == 1
        assert refused.stderr.splitlines()[-1] == (
            f"CommandError: Restore refused or failed: The database {target} is not empty (1 tables in its public "
            "schema). Restore only into an empty database: create one (createdb) and point DATABASE_URL at it."
        )
        assert "Traceback" not in refused.stderr
        assert table_counts(target) == {"leftover": 0}
        assert into_source.returncode == 1
        assert f"The database {source} is not empty" in into_source.stderr
        assert table_counts(source) == before

    with fresh_database() as target:
        restored = manage("restore_database", str(output), database_url=postgres_url(target))

        assert restored.returncode == 0, restored.stderr
        assert f"into {target} in" in restored.stdout
        assert f"all {len(before)} tables match the manifest" in restored.stdout
        assert table_counts(target) == before == _manifest(output)["tables"]
        assert query(target, "SELECT count(*) FROM districts_district") == [(2,)]


def _damage(output, case: str):
    manifest = output.with_name(output.name + ".manifest.json")
    if case == "missing file":
        output.unlink()
    elif case == "missing manifest":
        manifest.unlink()
    elif case == "flipped byte":
        data = bytearray(output.read_bytes())
        data[len(data) // 2] ^= 0xFF
        output.write_bytes(bytes(data))
    elif case == "truncated":
        output.write_bytes(output.read_bytes()[:-100])
    elif case == "manifest not JSON":
        manifest.write_text("{not json")
    elif case == "not a manifest":
        manifest.write_text('{"tables": {}}')


DAMAGES = {
    "missing file": "The backup file {file} does not exist.",
    "missing manifest": (
        "The manifest {file}.manifest.json does not exist: the backup is unfinished or its manifest was not kept "
        "with it. Without it the restore cannot be checked; refusing."
    ),
    "flipped byte": (
        "The backup file {file} does not match its manifest (SHA-256 differs): it is damaged, incomplete or "
        "another backup's file. Refusing to restore it."
    ),
    "manifest not JSON": (
        "The manifest {file}.manifest.json is not valid JSON (Expecting property name enclosed in double quotes: "
        "line 1 column 2 (char 1))."
    ),
    "not a manifest": "{file}.manifest.json is not a backup manifest of this application (anhorigstod-backup/1).",
}
DAMAGES["truncated"] = DAMAGES["flipped byte"]


@pytest.mark.parametrize("case", list(DAMAGES))
def test_a_missing_or_damaged_backup_is_refused_with_a_clear_message(transactional_db, postgresql, tmp_path, case):
    DistrictFactory()
    output = _backup(tmp_path)
    _damage(output, case)

    with fresh_database() as target:
        refused = manage("restore_database", str(output), database_url=postgres_url(target))

        assert refused.returncode == 1
        assert "Traceback" not in refused.stderr
        assert refused.stderr.splitlines()[-1] == "CommandError: Restore refused or failed: " + DAMAGES[case].format(
            file=output
        )
        assert table_counts(target) == {}


@pytest.mark.parametrize(
    ("case", "message"),
    [
        pytest.param("garbage", "pg_restore: error: input file does not appear to be a valid archive", id="garbage"),
        pytest.param("half", "pg_restore: error: could not read from input file: end of file", id="half a dump"),
    ],
)
def test_a_file_that_is_no_whole_dump_is_refused_by_pg_restore_and_the_database_stays_empty(
    transactional_db, postgresql, tmp_path, case, message
):
    DistrictFactory()
    output = _backup(tmp_path)
    manifest = _manifest(output)
    # A file that its (rewritten) manifest does describe, so only pg_restore can tell.
    dump = output.read_bytes()
    output.write_bytes(b"not a dump at all\n" * 100 if case == "garbage" else dump[: len(dump) // 2])
    manifest |= {"sha256": _sha256(output), "bytes": output.stat().st_size}
    output.with_name("nightly.dump.manifest.json").write_text(json.dumps(manifest))

    with fresh_database() as target:
        refused = manage("restore_database", str(output), database_url=postgres_url(target))

        assert refused.returncode == 1
        assert "Traceback" not in refused.stderr
        assert refused.stderr.splitlines()[-1].startswith(
            "CommandError: Restore refused or failed: pg_restore failed (exit 1); nothing was restored: "
        )
        assert message in refused.stderr
        assert table_counts(target) == {}  # one transaction: nothing of the half restore stays


def _sqlite_counts(path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        tables = [t for (t,) in rows if not t.startswith("sqlite_")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
    finally:
        conn.close()


@pytest.mark.slow
def test_the_embedded_sqlite_database_is_backed_up_and_restored_into_an_empty_file_only(tmp_path):
    """On SQLite whatever database the suite runs on: the commands run in subprocesses on temp files."""
    source, backup, target = tmp_path / "live.sqlite3", tmp_path / "backup.sqlite3", tmp_path / "restored.sqlite3"
    for command in (["migrate", "--noinput", "-v0"], ["load_reference_data", "stockholm-2018"]):
        done = manage(*command, database_url=f"sqlite:///{source}", timeout=300)
        assert done.returncode == 0, done.stderr

    backed_up = manage("backup_database", "--output", str(backup), database_url=f"sqlite:///{source}")
    restored = manage("restore_database", str(backup), database_url=f"sqlite:///{target}")
    again = manage("restore_database", str(backup), database_url=f"sqlite:///{target}")

    assert backed_up.returncode == 0, backed_up.stderr
    manifest = _manifest(backup)
    assert manifest["vendor"] == "sqlite"
    assert manifest["sha256"] == _sha256(backup)
    assert manifest["tables"] == _sqlite_counts(source) == _sqlite_counts(backup)
    assert manifest["tables"]["districts_district"] == 14  # Stockholm 2018's districts
    assert restored.returncode == 0, restored.stderr
    assert f"all {len(manifest['tables'])} tables match the manifest" in restored.stdout
    assert _sqlite_counts(target) == manifest["tables"]
    for path in (backup, backup.with_name("backup.sqlite3.manifest.json"), target):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert again.returncode == 1
    assert again.stderr.splitlines()[-1] == (
        f"CommandError: Restore refused or failed: The database {target} is not empty ({len(manifest['tables'])} "
        "tables). Restore only into an empty database: point DATABASE_URL at a new file."
    )
    assert _sqlite_counts(target) == manifest["tables"]

    # A file its manifest describes but that is no SQLite database: refused, no target file left.
    backup.write_bytes(b"not a database, but long enough to look like one's header" * 100)
    manifest |= {"sha256": _sha256(backup), "bytes": backup.stat().st_size}
    backup.with_name("backup.sqlite3.manifest.json").write_text(json.dumps(manifest))
    other = tmp_path / "other.sqlite3"

    damaged = manage("restore_database", str(backup), database_url=f"sqlite:///{other}")

    assert damaged.returncode == 1
    assert "Traceback" not in damaged.stderr
    assert damaged.stderr.splitlines()[-1] == (
        f"CommandError: Restore refused or failed: The backup file {backup} is not a readable SQLite database "
        "(file is not a database)."
    )
    assert not other.exists()
