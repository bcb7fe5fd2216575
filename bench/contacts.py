"""Benchmark: generate 1,000,000 contacts on PostgreSQL, then time saving contacts through the form.

Run by hand (not in CI), against the local PostgreSQL:

    .venv/bin/python bench/contacts.py [--contacts 1000000] [--saves 300]

It creates (and drops first) the database ``anhorigstod_bench``, loads the reference data and demo
users, generates the contacts with ``generate_demo_contacts``'s code and prints the time; then it logs
in as a demo consultant and POSTs the quick contact form ``--saves`` times, printing the median and
95th-percentile server time of one save (the full Django request, in process, no network).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DB_NAME = "anhorigstod_bench"
PG = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--saves", type=int, default=300)
    args = parser.parse_args()

    subprocess.run([*PG, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)"], check=True)  # noqa: S603
    subprocess.run([*PG, f"CREATE DATABASE {DB_NAME}"], check=True)  # noqa: S603
    os.environ.update(
        DJANGO_SETTINGS_MODULE="anhorigstod.settings.local",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        DEBUG="false",
        ALLOWED_HOSTS="testserver",
        CELERY_BROKER_URL="",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", "stockholm-2018", verbosity=0)
    call_command("load_demo_users", allow_without_debug=True, verbosity=0)

    from districts.models import District
    from reference.demo_contacts import generate

    per_district = -(-args.contacts // (District.objects.count() * args.years))
    started = time.perf_counter()
    summary = generate(years=args.years, per_district=per_district, seed=1)
    generation = time.perf_counter() - started
    print(f"generated {summary.contacts:,} contacts, {summary.caregivers:,} caregivers, "
          f"{summary.referrals:,} referrals in {generation:.1f} s")  # fmt: skip

    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from caregivers.models import Caregiver
    from interventions.models import Contact, InterventionType

    user = User.objects.get(username="konsulent.bromma")
    client = Client()
    client.force_login(user)
    bromma = District.objects.get(code="bromma")
    advice = InterventionType.objects.get(code="advice")
    labels = list(Caregiver.objects.filter(districts=bromma).values_list("label", flat=True)[:200])
    before = Contact.objects.count()
    timings = []
    for n in range(args.saves):
        data = {
            "caregiver": labels[n % len(labels)] if n % 3 else "",
            "intervention_type": advice.pk,
            "channel": "phone",
            "duration_minutes": 15,
            "date": timezone.localdate().isoformat(),
            "district": bromma.pk,
            "target_group": "",
            "referral_destination": "",
        }
        started = time.perf_counter()
        response = client.post("/log/", data)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 302, response.content[:500]
    assert Contact.objects.count() == before + args.saves
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"saved {args.saves} contacts through the form with {before:,} contacts in the database: "
          f"median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
