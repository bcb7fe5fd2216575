"""The benchmarks' database: ``anhorigstod_bench_<contacts>`` on the local PostgreSQL, filled once.

``prepare`` builds it (unless ``reuse`` finds it filled): reference data, demo users, the contacts
over two years, the follow-up cycle's data on them (outcome scores and answers, approvals, goals,
collaboration: what the dashboards show beside the contacts), and the facts rebuilt. Django is
set up on it either way.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
PG = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qtAc"]


def database_url(contacts: int) -> str:
    return f"postgres://postgres@127.0.0.1:5432/anhorigstod_bench_{contacts}"


def prepare(contacts: int, *, reuse: bool) -> None:
    name = f"anhorigstod_bench_{contacts}"
    query = f"SELECT 1 FROM pg_database WHERE datname='{name}'"  # noqa: S608 - a name of our own making
    exists = subprocess.run([*PG, query], capture_output=True, text=True)  # noqa: S603
    fresh = not (reuse and exists.stdout.strip() == "1")
    if fresh:
        subprocess.run([*PG, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=True)  # noqa: S603
        subprocess.run([*PG, f"CREATE DATABASE {name}"], check=True)  # noqa: S603
    os.environ.update(
        DJANGO_SETTINGS_MODULE="anhorigstod.settings.local",
        DATABASE_URL=database_url(contacts),
        DEBUG="false",
        ALLOWED_HOSTS="testserver",
        CELERY_BROKER_URL="",
    )
    import django

    django.setup()
    from django.core.management import call_command

    from districts.models import District
    from followup.occasions import facts_rebuild
    from reference.demo_contacts import generate
    from reference.demo_cycle import generate_cycle

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if fresh:
        call_command("load_reference_data", "stockholm-2018", verbosity=0)
        call_command("load_demo_users", allow_without_debug=True, verbosity=0)
        per_district = -(-contacts // (District.objects.count() * 2))
        started = time.perf_counter()
        summary = generate(years=2, per_district=per_district, seed=1)
        print(f"generated {summary.contacts:,} contacts in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        cells = facts_rebuild()  # a bulk load bypasses the upkeep: the full rebuild, timed
        print(f"rebuilt the facts ({cells:,} cells) in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        cycle = generate_cycle(seed=1)  # its bulk-written scores and answers: their facts rebuilt in it
        print(f"generated the follow-up cycle ({cycle}) in "
              f"{time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
