"""Benchmark: district dashboard and bare SQL at a given number of contacts, on PostgreSQL.

Run by hand (not in CI):

    .venv/bin/python bench/dashboard.py --contacts 1000000 [--requests 100] [--reuse]

It builds the database ``anhorigstod_bench_<contacts>`` (unless ``--reuse`` finds it filled), generates
the contacts over two years, rebuilds the facts, then times:
- the district dashboard (a manager's GET, full Django request in process) for the current year,
  tertial and month, and for a custom range (computed live);
- the bare SQL ``GROUP BY district, channel`` over all contacts, for comparison;
- how long after a newly logged contact the dashboard shows it (kept in the saving transaction).
"""

import argparse
import re
import statistics
import time

from _setup import prepare


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, int(len(values) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    prepare(args.contacts, reuse=args.reuse)
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from districts.models import District
    from interventions.models import Contact, InterventionType

    total = Contact.objects.count()

    with connection.cursor() as cursor:
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            cursor.execute("SELECT district_id, channel, count(*) FROM interventions_contact GROUP BY 1, 2")
            cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    bare = statistics.median(timings)
    print(f"{total:,} contacts: bare SQL GROUP BY district, channel over all contacts: median {bare:.0f} ms")

    client = Client()
    client.force_login(User.objects.get(username="chef.bromma"))
    today = timezone.localdate()
    views = {
        "year": {"kind": "year", "year": today.year},
        "tertial": {"kind": "tertial", "year": today.year, "tertial": (today.month - 1) // 4 + 1},
        "month": {"kind": "month", "year": today.year, "month": today.month},
        "year, 65+": {"kind": "year", "year": today.year, "target_group": "65_plus"},
        "custom 30 days (live)": {
            "kind": "custom", "year": today.year, "start": (today - timezone.timedelta(days=30)).isoformat(),
            "end": today.isoformat(),
        },
    }  # fmt: skip
    for label, params in views.items():
        client.get("/dashboard/bromma/", params)  # warm up
        timings = []
        for _ in range(args.requests if "live" not in label else max(10, args.requests // 5)):
            started = time.perf_counter()
            response = client.get("/dashboard/bromma/", params)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        print(f"  dashboard {label:<22} median {statistics.median(timings):6.1f} ms  p95 {p95(timings):6.1f} ms")

    strategist = Client()
    strategist.force_login(User.objects.get(username="strateg"))
    for label, params in (("year", views["year"]), ("tertial", views["tertial"])):
        strategist.get("/city/", params)
        timings = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = strategist.get("/city/", params)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        print(f"  city overview {label:<18} median {statistics.median(timings):6.1f} ms  p95 {p95(timings):6.1f} ms")

    # Freshness: log a contact through the form, then read the dashboard until it shows.
    consultant_client = Client()
    consultant_client.force_login(User.objects.get(username="konsulent.bromma"))
    bromma = District.objects.get(code="bromma")
    before = Contact.objects.filter(district=bromma, date__year=today.year, deleted_at=None).count()
    advice = InterventionType.objects.get(code="advice")
    started = time.perf_counter()
    data = {"caregiver": "", "intervention_type": advice.pk, "channel": "phone", "duration_minutes": 10,
            "date": today.isoformat(), "district": bromma.pk}  # fmt: skip
    consultant_client.post("/log/", data)
    response = client.get("/dashboard/bromma/", views["year"])
    cell = re.search(r'data-figure="contacts"><th[^>]*>[^<]*</th><td[^>]*>([^<]+)</td>', response.content.decode())
    shown = int(cell.group(1).replace("\xa0", "").replace(" ", ""))
    print(f"  a new contact shows on the next dashboard read: {shown == before + 1} "
          f"({(time.perf_counter() - started) * 1000:.0f} ms from the save to the page)")  # fmt: skip


if __name__ == "__main__":
    main()
