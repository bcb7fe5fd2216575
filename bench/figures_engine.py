"""Benchmark: the figures engine (issue 16), each figure beside the bare SQL for the same figure.

Run by hand on a quiet machine (not in CI), on PostgreSQL:

    .venv/bin/python bench/figures_engine.py --contacts 1000000 [--reuse] [--requests 60] [--http-seconds 15]

It builds ``anhorigstod_bench_<contacts>`` unless ``--reuse`` finds it (``_setup.prepare``: contacts
over two years, the facts rebuilt and timed, the follow-up cycle), then prints one row per measure:
ours (p95 unless said), the bare SQL that computes the same figure straight from the contacts (the
median of 5 runs), and the ratio. Ratios, not milliseconds, are what survive a noisy machine.

- dashboard (a manager's GET, in process) for the year, a month, a custom 30 days and 13 months,
  computed (the kept page dropped first, as after any write) and kept (served again while nothing
  was written: ``figures.moment_cache``); its SQL: contacts and unique caregivers per district over
  the range (the district's figures and the city median's input);
- the same after a contact is logged in a random district before each request (untimed): what a
  reader meets while consultants log. The page is computed again, but only the written district's
  figures are (``figures.moment_cache.kept_per_district``);
- city overview, year, computed, after a write and kept; the same SQL;
- over HTTP: gunicorn (gthread, 2 workers x 4 threads, the pages kept in Redis), 8 clients for
  ``--http-seconds`` on the year's dashboard: requests per second and p95; then the same while a
  contact is logged every second;
- saving a contact through the service (facts upkeep included); its SQL: one INSERT of a contact;
- the quick log form GET and the contacts list; their SQL: the list's first page straight;
- rebuilding the facts from the rows; its SQL: the GROUP BY of all contacts by district, day,
  target group and caregiver (what the rebuild reads).
"""

import argparse
import datetime
import http.client
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from _setup import BASE_DIR, database_url, prepare


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, int(len(values) * 0.95) - 1)]


def bare(sql: str, params=(), runs: int = 5) -> float:
    from django.db import connection

    timings = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def timed(call, runs: int, before=None) -> list[float]:
    """``call``'s times in ms; ``before`` (if given) runs untimed before each."""
    call()  # warm up
    timings = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def writer_everywhere():
    """A consultant of every district (made once in the bench's database), and a function that logs one
    contact in a random district: the writes a dashboard reader meets."""
    import random

    from accounts.models import User
    from accounts.services import user_create
    from consultants.models import Consultant
    from districts.models import District
    from interventions.models import InterventionType
    from interventions.services import contact_log

    districts = list(District.objects.order_by("pk"))
    user = User.objects.filter(username="bench.writer").first()
    if user is None:
        user = user_create(username="bench.writer", role="consultant", password="bench-writer-not-secret",  # noqa: S106
                           district_codes=[d.code for d in districts])  # fmt: skip
    consultant = Consultant.objects.order_by("pk").first()
    advice = InterventionType.objects.get(code="advice")
    today = datetime.date.today()
    chosen = random.Random(16)  # noqa: S311 - which district a bench writes in

    def log_one() -> None:
        contact_log(user=user, consultant=consultant, date=today, channel="phone", duration_minutes=5,
                    intervention_type=advice, district=chosen.choice(districts), target_group="65_plus")  # fmt: skip

    return log_one


ROWS: list[tuple[str, str, float, float]] = []


def row(label: str, ours: float, sql: float, unit: str = "ms") -> None:
    """One measure beside the bare SQL's, in the same unit."""
    ROWS.append((label, unit, ours, sql))
    ratio = f"{ours / sql:6.2f}x" if sql else "    -"
    print(f"  {label:<46} {ours:9.1f} {unit:<5} bare SQL {sql:8.1f} {unit:<5} ratio {ratio}", flush=True)


RANGE_SQL = (
    "SELECT district_id, count(*), count(DISTINCT caregiver_id) FROM interventions_contact "
    "WHERE deleted_at IS NULL AND date BETWEEN %s AND %s GROUP BY district_id"
)


def http_load(base: str, cookie: str, path: str, clients: int, seconds: float) -> tuple[float, float, int]:
    host, port = base.removeprefix("http://").split(":")
    timings: list[float] = []
    errors: list = [0, set()]
    stop_at = time.monotonic() + seconds

    def client():
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors[0] += 1
                errors[1].add((response.status, response.getheader("Location")))
            timings.append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors[1]:
        print(f"  HTTP answers other than 200: {sorted(errors[1], key=str)[:3]}", flush=True)
    return len(timings) / (time.monotonic() - started), p95(timings), errors[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--http-seconds", type=float, default=15)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    # One key for this process and gunicorn: the session made here must be valid there.
    os.environ.setdefault("SECRET_KEY", "bench-figures-not-secret")
    prepare(args.contacts, reuse=args.reuse)
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from districts.models import District
    from followup.occasions import facts_rebuild
    from interventions.models import Contact, InterventionType
    from interventions.services import contact_log

    total = Contact.objects.count()
    today = timezone.localdate()
    print(f"{total:,} contacts; p95 of {args.requests} requests unless said", flush=True)
    manager = User.objects.get(username="chef.bromma")
    client = Client()
    client.force_login(manager)
    thirty = (today - datetime.timedelta(days=29), today)
    thirteen = ((today.replace(day=1) - datetime.timedelta(days=365)).replace(day=1), today)
    views = {
        "year": ({"kind": "year", "year": today.year}, (today.replace(month=1, day=1), today)),
        "month": ({"kind": "month", "year": today.year, "month": today.month}, (today.replace(day=1), today)),
        "custom 30 days": ({"kind": "custom", "year": today.year, "start": thirty[0], "end": thirty[1]}, thirty),
        "custom 13 months": (
            {"kind": "custom", "year": today.year, "start": thirteen[0], "end": thirteen[1]},
            thirteen,
        ),
    }
    # Computed: everything kept dropped before each request (the cache emptied). After a write: a
    # contact logged in a random district first. Kept: served again while nothing was written.
    log_one = writer_everywhere()
    for label, (params, (start, end)) in views.items():
        assert b'id="headline"' in client.get("/dashboard/bromma/", params).content, label  # not a form error
        computed = timed(lambda p=params: (cache.clear(), client.get("/dashboard/bromma/", p)), args.requests)
        row(f"dashboard, {label}, computed", p95(computed), bare(RANGE_SQL, [start, end]))
        after = timed(lambda p=params: client.get("/dashboard/bromma/", p), args.requests, before=log_one)
        row(f"dashboard, {label}, after a write", p95(after), bare(RANGE_SQL, [start, end]))
        kept = timed(lambda p=params: client.get("/dashboard/bromma/", p), args.requests)
        row(f"dashboard, {label}, kept", p95(kept), bare(RANGE_SQL, [start, end]))

    strategist = Client()
    strategist.force_login(User.objects.get(username="strateg"))
    strategist.get("/city/")  # renews the session the login made
    year_params, (start, end) = views["year"]
    computed = timed(lambda: (cache.clear(), strategist.get("/city/", year_params)), args.requests)
    row("city overview, year, computed", p95(computed), bare(RANGE_SQL, [start, end]))
    after = timed(lambda: strategist.get("/city/", year_params), args.requests, before=log_one)
    row("city overview, year, after a write", p95(after), bare(RANGE_SQL, [start, end]))
    kept = timed(lambda: strategist.get("/city/", year_params), args.requests)
    row("city overview, year, kept", p95(kept), bare(RANGE_SQL, [start, end]))

    consultant = User.objects.get(username="konsulent.bromma")
    worker = Client()
    worker.force_login(consultant)
    list_sql = (
        "SELECT * FROM interventions_contact WHERE deleted_at IS NULL AND district_id = %s "
        "ORDER BY date DESC, id DESC LIMIT 50"
    )
    bromma = District.objects.get(code="bromma")
    row("quick log form GET", p95(timed(lambda: worker.get("/log/"), args.requests)), bare(list_sql, [bromma.pk]))
    row("contacts list", p95(timed(lambda: worker.get("/contacts/"), args.requests)), bare(list_sql, [bromma.pk]))

    advice = InterventionType.objects.get(code="advice")
    own = consultant.consultant
    save = {"user": consultant, "consultant": own, "date": today, "channel": "phone", "duration_minutes": 10,
            "intervention_type": advice, "district": bromma, "target_group": own.target_group}  # fmt: skip
    insert_sql = (
        "WITH c AS (INSERT INTO interventions_contact (date, channel, duration_minutes, intervention_type_id, "
        "consultant_id, district_id, target_group, created_at, updated_at) "
        "SELECT date, channel, duration_minutes, intervention_type_id, consultant_id, district_id, target_group, "
        "now(), now() FROM interventions_contact WHERE district_id = %s LIMIT 1 RETURNING id) "
        "DELETE FROM interventions_contact WHERE id IN (SELECT id FROM c) RETURNING id"
    )
    saved = timed(lambda: contact_log(**save), args.requests)
    row("saving a contact (facts kept in it)", p95(saved), bare(insert_sql, [bromma.pk]))

    # A new contact on the dashboard: the facts are kept in the saving transaction.
    def shown() -> int:
        page = client.get("/dashboard/bromma/", year_params).content.decode()
        cell = re.search(r'data-figure="contacts"><th[^>]*>[^<]*</th><td[^>]*>([^<]+)</td>', page)
        return int(cell.group(1).replace("\xa0", "").replace(" ", ""))

    before = shown()
    started = time.perf_counter()
    contact_log(**save)
    after = shown()
    print(f"  a logged contact is on the next dashboard read: {after == before + 1} "
          f"({(time.perf_counter() - started) * 1000:.0f} ms from the save to the page)", flush=True)  # fmt: skip

    started = time.perf_counter()
    cells = facts_rebuild()
    rebuild = time.perf_counter() - started
    rebuild_sql = (
        "SELECT district_id, date, target_group, caregiver_id, count(*) FROM interventions_contact "
        "WHERE deleted_at IS NULL GROUP BY 1, 2, 3, 4"
    )
    row(f"rebuilding the facts ({cells:,} cells)", rebuild, bare(rebuild_sql, runs=1) / 1000, unit="s")

    # Over HTTP: gunicorn gthread, 8 clients on the year's dashboard.
    # The manager's session, made by Django's own login (its backend, its hash) in the shared database.
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    port = 18_716
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "anhorigstod.settings.local",
                        "DATABASE_URL": database_url(args.contacts), "DEBUG": "false",
                        "ALLOWED_HOSTS": "127.0.0.1", "CONN_MAX_AGE": "60", "CELERY_BROKER_URL": "",
                        "CACHE_URL": "redis://127.0.0.1:6379/9",
                        "LOG_LEVEL": "WARNING"}  # fmt: skip
    command = [sys.executable, "-m", "gunicorn", "anhorigstod.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--worker-class", "gthread", "--workers", "2", "--threads", "4", "--timeout", "60"]  # fmt: skip
    log = Path("/tmp/bench_figures_gunicorn.log")  # noqa: S108 - a bench's own log
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        time.sleep(4)
        path = f"/dashboard/bromma/?kind=year&year={today.year}"
        http_load(f"http://127.0.0.1:{port}", cookie, path, 8, 3)  # warm up every worker and thread
        rate, tail, errors = http_load(f"http://127.0.0.1:{port}", cookie, path, 8, args.http_seconds)
        sql_ms = bare(RANGE_SQL, [start, end])
        row(f"HTTP dashboard, 8 clients: req/s ({errors} errors)", rate, 1000 / sql_ms, unit="req/s")
        row("HTTP dashboard, 8 clients: p95", tail, sql_ms)
        # The same while consultants log a contact every second (each write changes the data's name).
        stop = threading.Event()

        def consultants_log():
            while not stop.wait(1.0):
                contact_log(**save)

        writer = threading.Thread(target=consultants_log)
        writer.start()
        try:
            rate, tail, errors = http_load(f"http://127.0.0.1:{port}", cookie, path, 8, args.http_seconds)
        finally:
            stop.set()
            writer.join()
        row(f"HTTP, a contact logged each second: req/s ({errors} errors)", rate, 1000 / sql_ms, unit="req/s")
        row("HTTP, a contact logged each second: p95", tail, sql_ms)
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
