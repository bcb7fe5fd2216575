"""Helpers for the backup tests: `manage.py` in a subprocess, and throwaway PostgreSQL databases."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
from django.db import connection
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parents[2]


def postgres_url(name: str) -> str:
    """A URL for the database ``name`` on the test database's server."""
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def manage(*args: str, database_url: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``python manage.py ARGS`` against ``database_url``, as an operator would."""
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "anhorigstod.settings.test", "DATABASE_URL": database_url}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip


def _server(dbname: str = "postgres") -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(
        dbname=dbname, user=s["USER"], password=s["PASSWORD"] or None, host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432, autocommit=True,
    )  # fmt: skip


@contextlib.contextmanager
def fresh_database():
    """An empty database on the test database's server, dropped afterwards; yields its name."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with _server() as server:
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with _server() as server:
            server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def query(dbname: str, statement: str, params=()) -> list[tuple]:
    """Run one statement in the database ``dbname`` (not through Django's connection); its rows."""
    with _server(dbname) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def table_counts(dbname: str) -> dict[str, int]:
    """Every table's row count in the public schema, counted here, independently of the commands."""
    with _server(dbname) as conn:
        tables = [t for (t,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {
            t: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))).fetchone()[0] for t in tables
        }
