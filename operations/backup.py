"""Backups that restore: a consistent snapshot taken while people work, and a checked restore.

A backup is two files: the dump (``FILE``) and its manifest (``FILE.manifest.json``), which holds
the dump's checksum, the Django migrations applied and every table's row count, all read in the
same snapshot as the dump. A restore checks the checksum first, restores only into an empty
database, and then compares every table's row count with the manifest.

- PostgreSQL: a REPEATABLE READ, READ ONLY transaction exports its snapshot
  (``pg_export_snapshot()``), counts the rows of every table and keeps the snapshot open while
  ``pg_dump --snapshot`` writes the custom format: the counts are exactly those of the dump. The
  restore is ``pg_restore --single-transaction``, so a failed restore leaves the database empty.
- SQLite (the embedded default): the online backup API (``sqlite3.Connection.backup``) copies a
  consistent database; the counts are read from the copy.

Neither path goes through the ORM: no model is saved, no signal sent, so a restore writes no
audit entries. Passwords reach ``pg_dump``/``pg_restore`` through the environment, never the
command line. Files are written under a temporary name with mode 0600 (they hold personal data)
and renamed when complete; the manifest is renamed last, so a dump without a manifest (or whose
checksum does not match it) is an unfinished backup and is refused.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connections

MANIFEST_SUFFIX = ".manifest.json"
MANIFEST_FORMAT = "anhorigstod-backup/1"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message tells the operator why."""


@dataclass
class RestoreResult:
    manifest: dict
    database: str
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)
    # (table, rows in the manifest, rows restored); None where the table is missing on one side.
    mismatches: list[tuple[str, int | None, int | None]] = field(default_factory=list)
    migrations_missing: list[str] = field(default_factory=list)
    migrations_unknown: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + MANIFEST_SUFFIX)


# Backup


def database_backup(*, output: Path, using: str = "default") -> dict:
    """Write a consistent backup of the database to ``output`` and its manifest beside it; return
    the manifest."""
    output = Path(output)
    if not output.parent.is_dir():
        raise BackupError(f"The directory {output.parent} does not exist.")
    if output.is_dir():
        raise BackupError(f"{output} is a directory; give the backup file's name.")
    connection = connections[using]
    started, clock = _now(), time.monotonic()
    with _partial_file(output) as partial:
        if connection.vendor == "postgresql":
            manifest = _postgresql_backup(connection.settings_dict, partial)
        elif connection.vendor == "sqlite":
            manifest = _sqlite_backup(connection.settings_dict, partial)
        else:
            raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
        manifest = {
            "format": MANIFEST_FORMAT,
            "vendor": connection.vendor,
            "file": output.name,
            "bytes": partial.stat().st_size,
            "sha256": _sha256(partial),
            **manifest,
            "started_at": started.isoformat(),
            "finished_at": _now().isoformat(),
            "seconds": round(time.monotonic() - clock, 3),
        }
        os.replace(partial, output)
    _write_manifest(manifest_path(output), manifest)
    _sync_directory(output.parent)
    return manifest


def _postgresql_backup(settings_dict: dict, partial: Path) -> dict:
    import psycopg

    pg_dump = _tool("pg_dump")
    with _pg_connect(settings_dict) as conn:
        # One snapshot for the counts and the dump: the transaction that exports it stays open
        # (and so the snapshot valid) until pg_dump is done.
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        # A server-wide timeout must not end the counts or the idle snapshot while pg_dump runs.
        conn.execute("SET statement_timeout = 0")
        conn.execute("SET idle_in_transaction_session_timeout = 0")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        tables = _pg_table_counts(conn)
        migrations = _pg_migrations(conn)
        server_version = conn.execute("SHOW server_version").fetchone()[0]
        with partial.open("wb") as out:
            dump = subprocess.run(  # noqa: S603 (a fixed tool, no shell, no user input in the arguments)
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-password"],
                stdout=out,
                stderr=subprocess.PIPE,
                env=_pg_environment(settings_dict),
                check=False,
            )
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(psycopg.Error):
            conn.rollback()
    if dump.returncode != 0:
        raise BackupError(f"pg_dump failed (exit {dump.returncode}): {_tail(dump.stderr)}")
    return {
        "database": settings_dict["NAME"],
        "server_version": server_version,
        "tool": _tool_version(pg_dump),
        "snapshot": snapshot,
        "migrations": migrations,
        "tables": tables,
    }


def _sqlite_backup(settings_dict: dict, partial: Path) -> dict:
    source_path = _sqlite_path(settings_dict)
    if not source_path.is_file():
        raise BackupError(f"The SQLite database {source_path} does not exist.")
    try:
        source = sqlite3.connect(f"{source_path.resolve().as_uri()}?mode=ro", uri=True)
        copy = sqlite3.connect(partial)
        try:
            # One step (pages=-1): the copy is taken under one read lock, so it is consistent
            # however much is written meanwhile (a stepwise copy restarts on every write).
            source.backup(copy)
            tables = _sqlite_table_counts(copy)
            migrations = _sqlite_migrations(copy)
        finally:
            copy.close()
            source.close()
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite backup of {source_path} failed: {exc}") from None
    with partial.open("rb+") as out:
        os.fsync(out.fileno())
    return {
        "database": source_path.name,
        "server_version": sqlite3.sqlite_version,
        "tool": f"SQLite {sqlite3.sqlite_version} online backup API",
        "snapshot": None,
        "migrations": migrations,
        "tables": tables,
    }


# Restore


def database_restore(*, source: Path, manifest_file: Path | None = None, using: str = "default") -> RestoreResult:
    """Restore the backup ``source`` into the (empty) database ``using`` and check every table's
    row count against the manifest. Raises BackupError when it cannot restore; a restore whose
    counts differ is returned with its ``mismatches`` for the caller to report as a failure."""
    source = Path(source)
    manifest_file = Path(manifest_file) if manifest_file else manifest_path(source)
    manifest = read_manifest(source, manifest_file)
    connection = connections[using]
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"The backup is of a {manifest['vendor']} database but the target is {connection.vendor}; "
            "restore it into the same kind of database."
        )
    clock = time.monotonic()
    if connection.vendor == "postgresql":
        database, counts = _postgresql_restore(connection.settings_dict, source, manifest)
    elif connection.vendor == "sqlite":
        database, counts = _sqlite_restore(connection.settings_dict, source, manifest)
    else:
        raise BackupError(f"Restoring into {connection.vendor} databases is not supported.")
    expected = manifest["tables"]
    mismatches = [
        (table, expected.get(table), counts.get(table))
        for table in sorted(set(expected) | set(counts))
        if expected.get(table) != counts.get(table)
    ]
    known = _known_migrations()
    applied = set(manifest.get("migrations", []))
    return RestoreResult(
        manifest=manifest,
        database=database,
        seconds=round(time.monotonic() - clock, 3),
        counts=counts,
        mismatches=mismatches,
        migrations_missing=sorted(known - applied),
        migrations_unknown=sorted(applied - known),
    )


def read_manifest(source: Path, manifest_file: Path) -> dict:
    """The manifest of a backup, once the backup file is known to be the one it describes."""
    if not source.is_file():
        raise BackupError(f"The backup file {source} does not exist.")
    if not manifest_file.is_file():
        raise BackupError(
            f"The manifest {manifest_file} does not exist: the backup is unfinished or its manifest was "
            "not kept with it. Without it the restore cannot be checked; refusing."
        )
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"The manifest {manifest_file} is not valid JSON ({exc}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"{manifest_file} is not a backup manifest of this application ({MANIFEST_FORMAT}).")
    tables = manifest.get("tables")
    if not isinstance(tables, dict) or not all(isinstance(n, int) for n in tables.values()):
        raise BackupError(f"The manifest {manifest_file} has no valid table counts.")
    if manifest.get("vendor") not in ("postgresql", "sqlite"):
        raise BackupError(f"The manifest {manifest_file} names no known database kind.")
    if _sha256(source) != manifest.get("sha256"):
        raise BackupError(
            f"The backup file {source} does not match its manifest (SHA-256 differs): it is damaged, "
            "incomplete or another backup's file. Refusing to restore it."
        )
    return manifest


def _postgresql_restore(settings_dict: dict, source: Path, manifest: dict) -> tuple[str, dict[str, int]]:
    pg_restore = _tool("pg_restore")
    name = settings_dict["NAME"]
    with _pg_connect(settings_dict) as conn:
        conn.autocommit = True
        tables = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
        ).fetchone()[0]
    if tables:
        raise BackupError(
            f"The database {name} is not empty ({tables} tables in its public schema). Restore only into "
            "an empty database: create one (createdb) and point DATABASE_URL at it."
        )
    # One transaction: a restore that fails part-way leaves the database empty, ready for another try.
    command = [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    command += ["--no-password", f"--dbname={name}", str(source)]
    restore = subprocess.run(  # noqa: S603 (a fixed tool, no shell; the file name is an argument)
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=_pg_environment(settings_dict),
        check=False,
    )
    if restore.returncode != 0:
        raise BackupError(
            f"pg_restore failed (exit {restore.returncode}); nothing was restored: {_tail(restore.stderr)}"
        )
    with _pg_connect(settings_dict) as conn:
        conn.autocommit = True
        counts = _pg_table_counts(conn)
        # pg_restore leaves the planner without statistics; gather them before anyone uses the data.
        conn.execute("ANALYZE")
    return name, counts


def _sqlite_restore(settings_dict: dict, source: Path, manifest: dict) -> tuple[str, dict[str, int]]:
    target = _sqlite_path(settings_dict)
    if target.exists() and target.stat().st_size:
        try:
            existing = sqlite3.connect(f"{target.resolve().as_uri()}?mode=ro", uri=True)
            try:
                tables = len(_sqlite_tables(existing))
            finally:
                existing.close()
        except sqlite3.Error as exc:
            raise BackupError(f"The target {target} is not a SQLite database ({exc}); not overwriting it.") from None
        if tables:
            raise BackupError(
                f"The database {target} is not empty ({tables} tables). Restore only into an empty database: "
                "point DATABASE_URL at a new file."
            )
    if not target.parent.is_dir():
        raise BackupError(f"The directory {target.parent} does not exist.")
    try:
        backup = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"The backup file {source} cannot be opened ({exc}).") from None
    try:
        try:
            healthy = backup.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"The backup file {source} is not a readable SQLite database ({exc}).") from None
        if not healthy:
            raise BackupError(f"The backup file {source} is a damaged SQLite database; nothing was restored.")
        if not target.exists():
            # Personal data: readable by the service's user only.
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        restored = sqlite3.connect(target)
        try:
            backup.backup(restored)
            counts = _sqlite_table_counts(restored)
        except sqlite3.Error as exc:
            raise BackupError(f"Restoring {source} into {target} failed ({exc}).") from None
        finally:
            restored.close()
    finally:
        backup.close()
    return str(target), counts


# PostgreSQL helpers


def _pg_connect(settings_dict: dict):
    import psycopg

    params = {"dbname": settings_dict["NAME"], **settings_dict.get("OPTIONS", {})}
    for key, name in (("USER", "user"), ("PASSWORD", "password"), ("HOST", "host"), ("PORT", "port")):
        if settings_dict.get(key):
            params[name] = settings_dict[key]
    for django_only in ("pool", "server_side_binding", "isolation_level", "assume_role"):
        params.pop(django_only, None)
    try:
        return psycopg.connect(**params)
    except psycopg.Error as exc:
        raise BackupError(f"Cannot connect to the database {settings_dict['NAME']}: {exc}".strip()) from None


def _pg_environment(settings_dict: dict) -> dict[str, str]:
    """The libpq environment for pg_dump and pg_restore: the password stays out of the process list."""
    options = settings_dict.get("OPTIONS", {})
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[name] = str(settings_dict[key])
    env["PGDATABASE"] = str(settings_dict["NAME"])
    for option, name in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("passfile", "PGPASSFILE"),
        ("service", "PGSERVICE"),
    ):
        if options.get(option):
            env[name] = str(options[option])
    return env


def _pg_table_counts(conn) -> dict[str, int]:
    """Every table's row count, named ``table`` in the public schema and ``schema.table`` elsewhere."""
    from psycopg import sql

    rows = conn.execute(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') "
        "AND n.nspname NOT LIKE 'pg_temp%' ORDER BY n.nspname, c.relname"
    ).fetchall()
    counts = {}
    for schema, table in rows:
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table))
        counts[table if schema == "public" else f"{schema}.{table}"] = conn.execute(query).fetchone()[0]
    return counts


def _pg_migrations(conn) -> list[str]:
    exists = conn.execute("SELECT to_regclass('public.django_migrations') IS NOT NULL").fetchone()[0]
    if not exists:
        return []
    return [f"{app}.{name}" for app, name in conn.execute("SELECT app, name FROM django_migrations ORDER BY id")]


# SQLite helpers


def _sqlite_path(settings_dict: dict) -> Path:
    name = str(settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        raise BackupError("The database is an in-memory SQLite database; there is no file to back up or restore.")
    return Path(name)


def _sqlite_tables(conn) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    return [name for (name,) in rows]


def _sqlite_table_counts(conn) -> dict[str, int]:
    return {
        table: conn.execute(f'SELECT count(*) FROM "{table.replace(chr(34), chr(34) * 2)}"').fetchone()[0]  # noqa: S608
        for table in _sqlite_tables(conn)
    }


def _sqlite_migrations(conn) -> list[str]:
    if "django_migrations" not in _sqlite_tables(conn):
        return []
    return [f"{app}.{name}" for app, name in conn.execute("SELECT app, name FROM django_migrations ORDER BY id")]


# Files and tools


@contextlib.contextmanager
def _partial_file(output: Path):
    """A temporary file beside ``output``, mode 0600, removed unless renamed into place."""
    fd, name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".partial", dir=output.parent)
    os.close(fd)
    partial = Path(name)
    try:
        yield partial
    finally:
        partial.unlink(missing_ok=True)


def _write_manifest(path: Path, manifest: dict) -> None:
    with _partial_file(path) as partial:
        with partial.open("w", encoding="utf-8") as out:
            json.dump(manifest, out, indent=2, ensure_ascii=False)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)


def _sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} was not found on PATH; install the PostgreSQL client tools (postgresql-client).")
    return path


def _tool_version(path: str) -> str:
    return subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603


def _tail(stderr: bytes, lines: int = 5) -> str:
    text = stderr.decode("utf-8", "replace").strip()
    return " | ".join(text.splitlines()[-lines:]) or "no message"


def _known_migrations() -> set[str]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


def _now() -> datetime.datetime:
    return datetime.datetime.now(tz=datetime.UTC)
