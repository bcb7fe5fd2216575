"""Benchmark: the city-wide yearly follow-up report against the bare SQL behind its figures, on PostgreSQL.

Run by hand (not in CI), after bench/dashboard.py has built the database (or let this build it):

    .venv/bin/python bench/report.py --contacts 1000000 [--year 2025] [--runs 3] [--reuse]

It prints:
- the bare SQL floor: the GROUP BY queries over the contacts that produce the report's figures (each
  district's and the whole city's, for the year and the year before), run as raw SQL on a cursor;
- the compile: ``report_compile`` (the Celery task's code) of a city report for the year, in process;
- the ratio of the two;
- the peak memory (VmHWM) of a real Celery worker that compiles the report and of
  ``compile_followup_report`` writing the XLSX and the PDF.
"""

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time
import uuid

from _setup import BASE_DIR, database_url, prepare


def _peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--year", type=int, default=None, help="default: last year")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    prepare(args.contacts, reuse=args.reuse)

    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.scoping import SYSTEM
    from districts.models import District
    from figures.periods import Period
    from followup.models import FollowupReport, ReportScope, ReportStatus
    from followup.selectors import district_figures
    from followup.services import report_compile, report_order
    from interventions.models import Contact

    year = args.year or timezone.localdate().year - 1
    period = Period.year(year)
    district_ids = list(District.objects.values_list("pk", flat=True))
    total = Contact.objects.count()
    in_year = Contact.objects.filter(date__year=year).count()
    print(f"{total:,} contacts, {in_year:,} in {year}; {len(district_ids)} districts", flush=True)

    # The floor: the exact SQL of every figure, per district and for the city, this year and last,
    # captured once from the selector and then timed as raw SQL on a cursor (no ORM, no Python).
    # The city's own part (its unique counts) is the share the compile still runs on the contacts.
    def captured_sql(combined: bool) -> list[str]:
        cache.clear()  # every district computed, none served from the kept results
        with CaptureQueriesContext(connection) as captured:
            for when in (period, period.previous()):
                district_figures(period=when, district_ids=district_ids, combined=combined)
        # A streamed query is logged as a server-side cursor's DECLARE: time the query itself. The
        # snapshot's own statements (BEGIN, SET TRANSACTION, COMMIT) and the versions' reads are no figure.
        statements = [
            re.sub(r'^DECLARE "[^"]+" .*?CURSOR .*?FOR ', "", q["sql"], flags=re.S) for q in captured.captured_queries
        ]
        return [sql for sql in statements if sql.lstrip().upper().startswith(("SELECT", "WITH")) and "md5(" not in sql]

    def timed(statements: list[str]) -> list[float]:
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()
            timings.append(time.perf_counter() - started)
        return timings

    district_sql, city_sql = captured_sql(False), captured_sql(True)
    per_district, city_part = timed(district_sql), timed(city_sql)
    floors = [a + b for a, b in zip(per_district, city_part, strict=True)]
    floor = statistics.median(floors)
    print(
        f"bare SQL floor: {len(district_sql) + len(city_sql)} GROUP BY queries, median {floor:.2f} s "
        f"(per district {statistics.median(per_district):.2f} s + city-wide {statistics.median(city_part):.2f} s)",
        flush=True,
    )

    compiles = []
    for _ in range(args.runs):
        report = report_order(user=SYSTEM, period=period, scope=ReportScope.CITY, enqueue=False)
        started = time.perf_counter()
        report_compile(report.pk)
        compiles.append(time.perf_counter() - started)
        report.refresh_from_db()
        assert report.status == ReportStatus.DONE, report.error
    compile_time = statistics.median(compiles)
    print(
        f"compile (report_compile, city, {year}): median {compile_time:.2f} s (runs: "
        f"{', '.join(f'{c:.2f}' for c in compiles)})",
        flush=True,
    )
    print(
        f"ratio compile / floor: {compile_time / floor:.2f} "
        f"(against the city-wide part alone: {compile_time / statistics.median(city_part):.2f})",
        flush=True,
    )
    content = report.content
    print(
        f"  city total: {content['figures']['scope']['contacts']:,} contacts, "
        f"{content['figures']['scope']['caregivers']:,} unique caregivers",
        flush=True,
    )

    # Peak memory of a real worker compiling the report (Redis db 14, a queue of its own).
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    broker = "redis://127.0.0.1:6379/14"
    env = os.environ | {
        "DATABASE_URL": database_url(args.contacts),
        "CELERY_BROKER_URL": broker,
        "DJANGO_SETTINGS_MODULE": "anhorigstod.settings.local",
        "DEBUG": "false",
    }
    worker = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "anhorigstod",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    try:
        from anhorigstod.celery import app

        os.environ["CELERY_BROKER_URL"] = broker
        app.conf.update(broker_url=broker, task_always_eager=False, task_default_queue=queue)
        time.sleep(5)
        baseline = _peak_rss_mb(worker.pid)
        report = report_order(user=SYSTEM, period=period, scope=ReportScope.CITY)
        started = time.perf_counter()
        while not FollowupReport.objects.filter(pk=report.pk, status=ReportStatus.DONE).exists():
            time.sleep(0.2)
            if time.perf_counter() - started > 1800:
                raise RuntimeError("the worker did not finish")
        print(
            f"worker: compiled in {time.perf_counter() - started:.2f} s (queue to done); "
            f"peak memory {_peak_rss_mb(worker.pid):.0f} MB (idle {baseline:.0f} MB)",
            flush=True,
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    for file_format in ("xlsx", "pdf"):
        output = BASE_DIR / "var" / f"bench-report-{args.contacts}.{file_format}"
        started = time.perf_counter()
        subprocess.run(  # noqa: S603
            [
                sys.executable,
                "manage.py",
                "compile_followup_report",
                "--year",
                str(year),
                "--format",
                file_format,
                "--output",
                output,
            ],
            cwd=BASE_DIR,
            env=env | {"CELERY_BROKER_URL": ""},
            check=True,
            capture_output=True,
        )
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"compile_followup_report --format {file_format}: {time.perf_counter() - started:.1f} s, "
            f"{os.path.getsize(output):,} bytes; peak memory of the command so far {peak:.0f} MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
