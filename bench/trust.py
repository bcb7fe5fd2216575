"""Benchmark: trust at the edges, measured over real HTTP against gunicorn (issue 15's closing figures).

Run by hand (not in CI), against the local PostgreSQL and Redis (its own database and Redis db 9):

    .venv/bin/python bench/trust.py [--consultants 20] [--seconds 60] [--outage 10] [--contacts 200000] [--reuse]

It builds (or with ``--reuse`` reuses) the database ``anhorigstod_bench_trust``: the reference data,
``--contacts`` generated contacts with the follow-up cycle's data, one consultant user per consultant
record (extra records are added beyond the reference data's 18) and a strategist. Then:

1. **Concurrent consultants.** gunicorn (``--workers`` sync workers, ``anhorigstod.settings.test``:
   DEBUG off, the broker on Redis db 9, CONN_MAX_AGE 60) and ``--consultants`` threads, each a
   logged-in user with its own cookies, looping for ``--seconds``: GET /log/, POST the form as it
   came with the defaults (anonymous advice, today, the user's district) and a channel and duration
   that are unique to the press, so every contact row can be traced back to its token. Some presses
   are doubled (the same POST a second time 50 ms later, or both at once), and any 5xx, timeout or
   broken connection is retried with the same token every ``--retry-pause`` seconds (not after
   Retry-After's 10 s, to measure the recovery finely). Lost = a token answered 302 with no contact
   row; duplicated = rows beyond one per token. Beside it, a bare SQL INSERT of a contact row from
   as many threads (autocommit, psycopg, no Django), for the ratio.
2. **A database stop.** The same load against a second gunicorn that reaches PostgreSQL through a
   TCP proxy in a subprocess; ``--outage-at`` seconds in the proxy is cut (every open connection
   closed, new ones refused) for ``--outage`` seconds and restored. PostgreSQL itself is never
   stopped (others use it). The answers received while it is cut, how fast a 503 comes, whether it is
   the Swedish "inget sparades" page, the seconds from restore to the first save, and lost and
   duplicated contacts over the whole run.
3. **A worker killed mid-report.** A real Celery worker (prefork, Redis db 9), a strategist orders
   a city-wide year report over HTTP, and once its status is "running" the worker's whole process
   group gets SIGKILL. The report's status JSON and page are polled every 0.5 s until they say
   interrupted ("avbruten, startas om"); then a new worker is started and the seconds until done
   are measured, and the report is checked to have finished exactly once.

The figures are printed as a table at the end and the raw results written to
``var/bench/trust-<time>.json``. The machine is shared and noisy: read the figures as orders of size.
"""

from __future__ import annotations

import argparse
import html.parser
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
from dataclasses import asdict, dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from anhorigstod.tests.http_client import HttpUser  # noqa: E402 - after sys.path

DB_NAME = "anhorigstod_bench_trust"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
BROKER = "redis://127.0.0.1:6379/9"
PG = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qtAc"]
PASSWORD = "bench-trust-password-2026"  # noqa: S105 - the bench users' own
OUT_DIR = BASE_DIR / "var" / "bench"
SAVED_PAGE_TEXT = "inget sparades"  # the database outage's 503: "Databasen går inte att nå just nu, så inget sparades."
CHANNELS = ("phone", "individual_meeting", "home_visit", "email_sms")
MAX_MINUTES = 8 * 60  # interventions.models.MAX_DURATION_MINUTES
STATUS_URL = re.compile(r"^/reports/(\d+)/$")


# ---------------------------------------------------------------- the database


def prepare(contacts: int, consultants: int, *, reuse: bool) -> None:
    """Build (or reuse) the bench database and set Django up on it, as the test settings see it."""
    exists = subprocess.run([*PG, f"SELECT 1 FROM pg_database WHERE datname='{DB_NAME}'"],  # noqa: S603, S608
                            capture_output=True, text=True, check=True).stdout.strip() == "1"  # fmt: skip
    fresh = not (reuse and exists)
    if fresh:
        subprocess.run([*PG, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)"], check=True)  # noqa: S603
        subprocess.run([*PG, f"CREATE DATABASE {DB_NAME}"], check=True)  # noqa: S603
    # The same settings module as gunicorn and the worker, so the users' password hashes match.
    # No broker in this process: what it writes runs no task.
    os.environ.update(
        DJANGO_SETTINGS_MODULE="anhorigstod.settings.test", DATABASE_URL=DB_URL, CELERY_BROKER_URL="",
        CELERY_TASK_ALWAYS_EAGER="true", LOG_LEVEL="WARNING",
    )  # fmt: skip
    import django

    django.setup()
    from django.core.management import call_command

    from districts.models import District
    from figures.snapshots import figures_rebuild
    from reference.demo_contacts import generate
    from reference.demo_cycle import generate_cycle

    call_command("migrate", verbosity=0)
    if fresh:
        call_command("load_reference_data", "stockholm-2018", verbosity=0)
        started = time.perf_counter()
        summary = generate(years=2, per_district=-(-contacts // (District.objects.count() * 2)), seed=1)
        figures_rebuild()  # a bulk load bypasses the upkeep of the facts
        cycle = generate_cycle(seed=1)
        print(f"generated {summary.contacts:,} contacts and the follow-up cycle ({cycle}) in "
              f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
    _users(consultants)


def _users(count: int) -> None:
    """``trust.kNN`` consultant users, each linked to its own consultant record, and ``trust.strateg``."""
    from accounts.models import Role, User
    from accounts.services import user_create
    from consultants.models import Consultant
    from consultants.services import consultant_link_user
    from districts.models import District

    records = list(Consultant.objects.filter(user=None).order_by("ref")) + list(
        Consultant.objects.filter(user__username__startswith="trust.k").order_by("ref")
    )
    districts = list(District.objects.order_by("code"))
    for n in range(len(records), count):  # beyond the reference data's consultants
        record = Consultant(ref=f"T{n + 1:02d}", home_district=districts[n % len(districts)],
                            employment_percent=100, target_group="65_plus")  # fmt: skip
        record.full_clean()
        record.save()
        records.append(record)
    for n in range(count):
        username = f"trust.k{n + 1:02d}"
        if User.objects.filter(username=username).exists():
            continue
        record = next(r for r in records if r.user_id is None)
        user = user_create(username=username, role=Role.CONSULTANT, password=PASSWORD,
                           district_codes=[record.home_district.code])  # fmt: skip
        consultant_link_user(consultant=record, user=user)
        record.user_id = user.pk
    if not User.objects.filter(username="trust.strateg").exists():
        user_create(username="trust.strateg", role=Role.STRATEGIST, password=PASSWORD)


def _contact_ids_after(start_id: int) -> list[tuple]:
    """(created_by, channel, duration, count) of the contacts created after ``start_id``."""
    from django.db.models import Count

    from interventions.models import Contact

    rows = (
        Contact.objects.filter(pk__gt=start_id, meeting=None)
        .values_list("created_by_id", "channel", "duration_minutes")
        .annotate(n=Count("id"))
    )
    return list(rows)


def _last_contact_id() -> int:
    from django.db.models import Max

    from interventions.models import Contact

    return Contact.objects.aggregate(m=Max("pk"))["m"] or 0


# ---------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(database_url: str) -> dict[str, str]:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "anhorigstod.settings.test",
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": "60",
        "CELERY_BROKER_URL": BROKER,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "SECRET_KEY": "bench-trust-not-secret",
        "LOG_LEVEL": "WARNING",
    }


def start_gunicorn(database_url: str, workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "anhorigstod.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--timeout", "30", "--graceful-timeout", "2"]  # fmt: skip
    with log.open("ab") as out:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=app_env(database_url), stdout=out,  # noqa: S603
                                   stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log.read_text()[-3000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process, f"http://127.0.0.1:{port}"
        time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    """Stop a process this script started (its own group: gunicorn's or the worker's children too)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class ProxyProcess:
    """anhorigstod.tests.tcp_proxy.CuttableProxy in a subprocess (its threads off this process's
    GIL), steered through its stdin: ``cut`` and ``restore``."""

    SCRIPT = (
        "import sys\n"
        "from anhorigstod.tests.tcp_proxy import CuttableProxy\n"
        "proxy = CuttableProxy('127.0.0.1', 5432)\n"
        "print(proxy.port, flush=True)\n"
        "for line in sys.stdin:\n"
        "    getattr(proxy, line.strip())()\n"
        "    print('ok', flush=True)\n"
    )

    def __init__(self):
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", self.SCRIPT], cwd=BASE_DIR, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            start_new_session=True,
        )  # fmt: skip
        self.port = int(self.process.stdout.readline())

    def _say(self, command: str) -> None:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        assert self.process.stdout.readline().strip() == "ok"

    def cut(self) -> None:
        self._say("cut")

    def restore(self) -> None:
        self._say("restore")

    def close(self) -> None:
        self.process.stdin.close()
        stop(self.process)


def start_worker(name: str, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "anhorigstod", "worker", "--concurrency", "2",
               "-n", f"{name}@%h", "--loglevel", "INFO"]  # fmt: skip
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=BASE_DIR, env=app_env(DB_URL), stdout=out,  # noqa: S603
                                stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip


# ---------------------------------------------------------------- HTTP


class FormParser(html.parser.HTMLParser):
    """The forms of a page as field -> value, as a browser would submit them untouched."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, list[str]]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({})
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self.forms[-1].setdefault(a["name"], []).append(a.get("value") or "")
        elif tag == "select" and a.get("name"):
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select:
            self._options.append((a.get("value") or "", "selected" in a))

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            chosen = [v for v, selected in self._options if selected] or [v for v, _ in self._options[:1]]
            self.forms[-1][self._select] = chosen
            self._select = None

    @classmethod
    def form_with(cls, text: str, name: str) -> dict[str, list[str]]:
        parser = cls()
        parser.feed(text)
        return next(f for f in parser.forms if name in f)


@dataclass
class Attempt:
    user: str
    token: str
    method: str
    press: str  # "get", "first", "second"
    sent: float  # seconds since the scenario's start
    answered: float
    status: str  # "302", "503", ..., "timeout", "connection"
    location: str = ""
    swedish: bool = False
    retry_after: str = ""
    note: str = ""  # an unexpected answer's page title, to see what the user was shown

    @property
    def ms(self) -> float:
        return (self.answered - self.sent) * 1000


def send(user: HttpUser, name: str, token: str, press: str, t0: float, form: dict | None) -> tuple[Attempt, object]:
    """One request (a POST of ``form``, or GET /log/ without one), timed; the attempt and the answer."""
    method = "POST" if form is not None else "GET"
    sent = time.monotonic() - t0
    try:
        answer = user.post("/log/", form) if form is not None else user.get("/log/")
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        status = "timeout" if isinstance(reason, TimeoutError | socket.timeout) else "connection"
        return Attempt(name, token, method, press, sent, time.monotonic() - t0, status), None
    attempt = Attempt(
        name, token, method, press, sent, time.monotonic() - t0, str(answer.status),
        location=answer.headers.get("Location", ""),
        swedish=answer.status == 503 and SAVED_PAGE_TEXT in answer.text,
        retry_after=answer.headers.get("Retry-After", ""),
        note="" if answer.status in (200, 302) else _title(answer.text),
    )  # fmt: skip
    return attempt, answer


def _title(text: str) -> str:
    found = re.search(r"<title>(.*?)</title>", text, re.S) or re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S)
    return " ".join(found.group(1).split())[:200] if found else text[:200]


def _retryable(status: str) -> bool:
    return status in ("timeout", "connection") or status.startswith("5")


@dataclass
class Load:
    """One scenario's load: every attempt, and each token's marker and whether it was confirmed."""

    attempts: list[Attempt] = field(default_factory=list)
    tokens: dict[str, dict] = field(default_factory=dict)  # token -> {user_id, channel, minutes, confirmed, kind}
    parse_ms: list[float] = field(default_factory=list)  # the load generator's own work on each form page
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, attempt: Attempt) -> None:
        with self.lock:
            self.attempts.append(attempt)


def consultant(load: Load, user: HttpUser, name: str, user_id: int, t0: float, end: float, give_up: float,
               pause: float, seed: int) -> None:  # fmt: skip
    """One consultant: GET the form, POST it (sometimes twice), retry failures with the same token."""
    rng = random.Random(seed)  # noqa: S311 - the mix of presses, not a secret
    n = 0
    while time.monotonic() - t0 < end and n < len(CHANNELS) * MAX_MINUTES:
        while True:  # the form page, again until it comes (the database may be gone)
            attempt, page = send(user, name, "", "get", t0, None)
            load.add(attempt)
            if not _retryable(attempt.status) or time.monotonic() - t0 > give_up:
                break
            time.sleep(pause)
        if attempt.status != "200":
            return
        parsing = time.monotonic()
        form = dict(FormParser.form_with(page.text, "submission_token"))
        with load.lock:
            load.parse_ms.append((time.monotonic() - parsing) * 1000)
        channel, minutes = CHANNELS[n // MAX_MINUTES], 1 + n % MAX_MINUTES
        n += 1
        form |= {"caregiver": [""], "channel": [channel], "duration_minutes": [str(minutes)]}
        token = form["submission_token"][0]
        kind = rng.choices(["single", "double 50 ms", "double at once"], weights=[80, 10, 10])[0]
        with load.lock:
            load.tokens[token] = {"user": name, "user_id": user_id, "channel": channel, "minutes": minutes,
                                  "kind": kind, "confirmed": False}  # fmt: skip

        def press(which: str, delay: float, token=token, form=form) -> None:
            time.sleep(delay)
            while True:
                attempt, _answer = send(user, name, token, which, t0, form)
                load.add(attempt)
                if attempt.status == "302" and attempt.location == "/log/":
                    with load.lock:
                        load.tokens[token]["confirmed"] = True
                    return
                if not _retryable(attempt.status) or time.monotonic() - t0 > give_up:
                    return  # a form error (shown again), a 4xx, or the run is over
                time.sleep(pause)

        second = None
        if kind != "single":
            second = threading.Thread(target=press, args=("second", 0.05 if kind == "double 50 ms" else 0.0))
            second.start()
        press("first", 0.0)
        if second is not None:
            second.join()


def run_load(base_url: str, users: list[tuple[str, int]], seconds: float, pause: float,
             outage: tuple[ProxyProcess, float, float] | None = None) -> dict:  # fmt: skip
    """Log every user in, run the consultants for ``seconds`` (cutting the proxy if asked), and count."""
    clients = []
    for name, user_id in users:
        client = HttpUser(base_url, timeout=30)
        client.log_in(name, PASSWORD)
        clients.append((client, name, user_id))
    start_id = _last_contact_id()
    load = Load()
    t0 = time.monotonic()
    give_up = seconds + 60  # a user keeps retrying an unconfirmed press up to a minute past the end
    threads = [
        threading.Thread(target=consultant, args=(load, c, name, uid, t0, seconds, give_up, pause, i), daemon=True)
        for i, (c, name, uid) in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    window = None
    if outage is not None:
        proxy, at, length = outage
        time.sleep(max(0.0, at - (time.monotonic() - t0)))
        cut = time.monotonic() - t0
        proxy.cut()
        time.sleep(length)
        restored = time.monotonic() - t0
        proxy.restore()
        window = (cut, restored)
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - t0
    return {"load": load, "start_id": start_id, "elapsed": elapsed, "window": window}


def count(load: Load, start_id: int) -> dict:
    """Lost and duplicated contacts: every row traced to its press by (user, channel, minutes)."""
    rows = {(uid, ch, m): n for uid, ch, m, n in _contact_ids_after(start_id)}
    markers = {(t["user_id"], t["channel"], t["minutes"]): t for t in load.tokens.values()}
    confirmed = [t for t in load.tokens.values() if t["confirmed"]]
    lost = sum(1 for t in confirmed if rows.get((t["user_id"], t["channel"], t["minutes"]), 0) == 0)
    duplicated = sum(n - 1 for n in rows.values() if n > 1)
    unconfirmed_saved = sum(
        1 for t in load.tokens.values() if not t["confirmed"] and rows.get((t["user_id"], t["channel"], t["minutes"]))
    )
    strangers = sum(n for key, n in rows.items() if key not in markers)  # rows no press of this run made
    return {
        "presses": len(load.tokens),
        "doubled": sum(1 for t in load.tokens.values() if t["kind"] != "single"),
        "confirmed": len(confirmed),
        "rows": sum(rows.values()),
        "lost": lost,
        "duplicated": duplicated,
        "unconfirmed": len(load.tokens) - len(confirmed),
        "unconfirmed_but_saved": unconfirmed_saved,
        "rows_of_no_press": strangers,
    }


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def statuses(attempts: list[Attempt]) -> dict[str, int]:
    result: dict[str, int] = {}
    for a in attempts:
        key = f"{a.method} {a.status}"
        result[key] = result.get(key, 0) + 1
    return dict(sorted(result.items()))


def unexpected(attempts: list[Attempt]) -> dict[str, int]:
    """Answers other than the page, a save's redirect and the outage's 503, by status and page title."""
    result: dict[str, int] = {}
    for a in attempts:
        if a.status not in ("200", "302", "503"):
            key = f"{a.method} {a.status} at {a.sent:.1f} s: {a.note}"
            result[key] = result.get(key, 0) + 1
    return result


# ---------------------------------------------------------------- the bare SQL floor


def bare_insert(threads: int, seconds: float) -> dict:
    """A contact row INSERTed in its own transaction (autocommit) from ``threads`` connections."""
    import psycopg

    with psycopg.connect(f"dbname={DB_NAME} host=127.0.0.1 user=postgres", autocommit=True) as conn:
        row = conn.execute(
            "SELECT date, channel, duration_minutes, intervention_type_id, consultant_id, district_id, "
            "target_group, created_by_id FROM interventions_contact WHERE caregiver_id IS NULL "
            "AND meeting_id IS NULL AND talk_number IS NULL ORDER BY id DESC LIMIT 1"
        ).fetchone()
        start_id = conn.execute("SELECT coalesce(max(id), 0) FROM interventions_contact").fetchone()[0]
    sql = (
        "INSERT INTO interventions_contact (date, channel, duration_minutes, intervention_type_id, consultant_id, "
        "district_id, target_group, created_by_id, created_at, updated_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, now(), now())"
    )
    timings: list[list[float]] = [[] for _ in range(threads)]

    def insert(n: int, until: float) -> None:
        with psycopg.connect(f"dbname={DB_NAME} host=127.0.0.1 user=postgres", autocommit=True) as conn:
            while time.monotonic() < until:
                started = time.monotonic()
                conn.execute(sql, row)
                timings[n].append((time.monotonic() - started) * 1000)

    until = time.monotonic() + seconds
    workers = [threading.Thread(target=insert, args=(n, until)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    with psycopg.connect(f"dbname={DB_NAME} host=127.0.0.1 user=postgres", autocommit=True) as conn:
        conn.execute("DELETE FROM interventions_contact WHERE id > %s", [start_id])
    flat = [t for per in timings for t in per]
    return {"inserts": len(flat), "per_s": len(flat) / seconds, "p50_ms": pct(flat, 50), "p95_ms": pct(flat, 95)}


# ---------------------------------------------------------------- the scenarios


def scenario_concurrency(args, users, logs: Path) -> dict:
    floor = bare_insert(args.consultants, 10)
    print(f"bare SQL INSERT, {args.consultants} connections: {floor['per_s']:.0f}/s, p50 {floor['p50_ms']:.1f} ms, "
          f"p95 {floor['p95_ms']:.1f} ms", flush=True)  # fmt: skip
    gunicorn, base_url = start_gunicorn(DB_URL, args.workers, logs / "gunicorn-1.log")
    try:
        run = run_load(base_url, users, args.seconds, args.retry_pause)
    finally:
        stop(gunicorn)
    load = run["load"]
    saves = [a for a in load.attempts if a.press == "first" and a.status == "302"]
    pages = [a.ms for a in load.attempts if a.method == "GET" and a.status == "200"]
    figures = count(load, run["start_id"])
    result = {
        "seconds": run["elapsed"],
        "saves_per_s": figures["confirmed"] / run["elapsed"],
        "form_page_p50_ms": pct(pages, 50),
        "form_page_p95_ms": pct(pages, 95),
        "client_parse_p50_ms": pct(load.parse_ms, 50),
        "save_p50_ms": pct([a.ms for a in saves], 50),
        "save_p95_ms": pct([a.ms for a in saves], 95),
        "statuses": statuses(load.attempts),
        "unexpected": unexpected(load.attempts),
        "floor": floor,
        **figures,
    }
    result["ratio_p50"] = result["save_p50_ms"] / floor["p50_ms"] if floor["p50_ms"] and saves else None
    result["ratio_per_s"] = floor["per_s"] / result["saves_per_s"] if result["saves_per_s"] else None
    print(f"concurrency: {json.dumps({k: v for k, v in result.items() if k != 'floor'}, default=str)}", flush=True)
    return result | {"attempts": [asdict(a) for a in load.attempts]}


def scenario_outage(args, users, logs: Path) -> dict:
    proxy = ProxyProcess()
    gunicorn, base_url = start_gunicorn(
        f"postgres://postgres@127.0.0.1:{proxy.port}/{DB_NAME}", args.workers, logs / "gunicorn-2.log"
    )
    try:
        run = run_load(base_url, users, args.seconds, args.retry_pause, outage=(proxy, args.outage_at, args.outage))
    finally:
        stop(gunicorn)
        proxy.close()
    load, (cut, restored) = run["load"], run["window"]
    during = [a for a in load.attempts if cut <= a.answered <= restored]
    unavailable = [a for a in during if a.status == "503"]
    first_save = min((a.answered for a in load.attempts if a.status == "302" and a.answered > restored), default=None)
    figures = count(load, run["start_id"])
    result = {
        "seconds": run["elapsed"],
        "cut_at": cut,
        "restored_at": restored,
        "during": statuses(during),
        "answers_during": len(during),
        "server_errors_500_during": sum(1 for a in during if a.status == "500"),
        "server_errors_500_whole_run": sum(1 for a in load.attempts if a.status == "500"),
        "p50_503_ms": pct([a.ms for a in unavailable], 50),
        "p95_503_ms": pct([a.ms for a in unavailable], 95),
        "unavailable_during": len(unavailable),
        "swedish_503": sum(1 for a in unavailable if a.swedish),
        "retry_after": sorted({a.retry_after for a in unavailable}),
        "restore_to_first_save_s": first_save - restored if first_save is not None else None,
        "whole_run": statuses(load.attempts),
        "unexpected": unexpected(load.attempts),
        **figures,
    }
    print(f"outage: {json.dumps(result, default=str)}", flush=True)
    return result | {"attempts": [asdict(a) for a in load.attempts]}


def _flush_broker() -> None:
    import redis

    redis.Redis.from_url(BROKER).flushdb()  # Redis db 9 is this benchmark's own


def scenario_worker_kill(args, logs: Path) -> dict:
    from followup.models import FollowupReport, ReportStatus

    if not hasattr(ReportStatus, "INTERRUPTED"):
        print("worker kill: not yet measurable (no report heartbeats: ReportStatus has no 'interrupted')")
        return {"measurable": False, "why": "report heartbeats have not landed"}
    _flush_broker()
    gunicorn, base_url = start_gunicorn(DB_URL, args.workers, logs / "gunicorn-3.log")
    first = start_worker("trust-a", logs / "worker-a.log")
    second = None
    result: dict = {"measurable": True}
    try:
        time.sleep(args.worker_boot)
        strategist = HttpUser(base_url, timeout=60)
        strategist.log_in("trust.strateg", PASSWORD)
        page = strategist.get("/reports/")
        form = FormParser.form_with(page.text, "submission_token")
        form |= {"kind": ["year"], "year": [str(args.report_year)], "scope": ["city"]}
        ordered = strategist.post("/reports/", form)
        match = STATUS_URL.match(ordered.headers.get("Location", ""))
        if ordered.status != 302 or not match:
            raise RuntimeError(f"ordering the report answered {ordered.status}: {ordered.text[:2000]}")
        pk = int(match.group(1))
        t0 = time.monotonic()

        def status() -> dict:
            answer = strategist.get(f"/reports/{pk}/status/")
            return json.loads(answer.text) if answer.status == 200 else {"status": f"HTTP {answer.status}"}

        while (now := status())["status"] != "running":
            if time.monotonic() - t0 > 120:
                raise RuntimeError(f"the report never ran: {now}")
            time.sleep(0.5)
        result["queued_to_running_s"] = time.monotonic() - t0
        # The page must not say it before the kill (else the figure below would mean nothing).
        result["page_said_avbruten_before_kill"] = "avbruten" in strategist.get(f"/reports/{pk}/").text.casefold()
        time.sleep(args.kill_after)  # let it compile a while
        result["progress_at_kill"] = status().get("progress")
        os.killpg(first.pid, signal.SIGKILL)
        killed = time.monotonic()
        first.wait()
        json_says = page_says = None
        seen = []
        while json_says is None or page_says is None:
            elapsed = time.monotonic() - killed
            if elapsed > args.interrupt_deadline:
                break
            now = status()
            seen.append((round(elapsed, 1), now.get("status"), now.get("status_label")))
            if json_says is None and now.get("status") == "interrupted":
                json_says = elapsed
                result["interrupted_label"] = now.get("status_label")
                result["interruption_text"] = now.get("interruption")
            if page_says is None:
                text = strategist.get(f"/reports/{pk}/").text.casefold()
                if "avbruten" in text:
                    page_says = time.monotonic() - killed
            time.sleep(0.5)
        result |= {"kill_to_json_interrupted_s": json_says, "kill_to_page_avbruten_s": page_says}
        result["statuses_seen"] = sorted({s for _t, s, _l in seen if s})
        second = start_worker("trust-b", logs / "worker-b.log")
        restarted = time.monotonic()
        while (now := status())["status"] not in ("done", "failed"):
            if time.monotonic() - restarted > args.done_deadline:
                break
            time.sleep(0.5)
        result["final_status"] = now["status"]
        result["restart_to_done_s"] = time.monotonic() - restarted
        result["kill_to_done_s"] = time.monotonic() - killed
        before = FollowupReport.objects.get(pk=pk)
        time.sleep(args.watch_after)  # a second finish would move finished_at or the attempts
        after = FollowupReport.objects.get(pk=pk)
        result |= {
            "report": pk,
            "attempts": after.attempts,
            "restarts": after.restarts,
            "compile_s": (after.finished_at - after.started_at).total_seconds() if after.finished_at else None,
            "finished_once": before.finished_at == after.finished_at and before.status == after.status == "done",
        }
        for log in ("worker-a", "worker-b"):  # each delivery of the report's task and how it ended
            text = (logs / f"{log}.log").read_text()
            result[f"{log}_deliveries"] = len(re.findall(r"Task followup\.compile_report\[[^\]]+\] received", text))
            result[f"{log}_succeeded"] = len(re.findall(r"Task followup\.compile_report\[[^\]]+\] succeeded", text))
    finally:
        for process in (first, second, gunicorn):
            if process is not None:
                stop(process)
    print(f"worker kill: {json.dumps(result, default=str)}", flush=True)
    return result


# ---------------------------------------------------------------- the table


def fmt(value, unit: str = "", digits: int = 1) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.{digits}f}{unit}"
    return f"{value}{unit}"


def table(args, results: dict) -> str:
    lines = []
    c = results.get("concurrency")
    if c:
        floor = c["floor"]
        lines += [
            f"1. {args.consultants} concurrent consultants for {args.seconds:.0f} s "
            f"(gunicorn --workers {args.workers})",
            f"   presses {c['presses']} (doubled {c['doubled']}), confirmed (302) {c['confirmed']}, "
            f"contact rows {c['rows']}",
            f"   LOST {c['lost']}   DUPLICATED {c['duplicated']}   (unconfirmed {c['unconfirmed']}, "
            f"of which saved {c['unconfirmed_but_saved']})",
            f"   saves/s {fmt(c['saves_per_s'])}  vs bare SQL INSERT {fmt(floor['per_s'], digits=0)}/s "
            f"(ratio {fmt(c['ratio_per_s'], 'x', 0)})",
            f"   save p50 {fmt(c['save_p50_ms'], ' ms')}, p95 {fmt(c['save_p95_ms'], ' ms')}  vs INSERT p50 "
            f"{fmt(floor['p50_ms'], ' ms', 2)}, p95 {fmt(floor['p95_ms'], ' ms', 2)} "
            f"(p50 ratio {fmt(c['ratio_p50'], 'x', 0)})",
            f"   GET /log/ p50 {fmt(c['form_page_p50_ms'], ' ms')}, p95 {fmt(c['form_page_p95_ms'], ' ms')}; "
            f"the load generator's parse of a page p50 {fmt(c['client_parse_p50_ms'], ' ms')}",
            f"   answers: {', '.join(f'{k} x{v}' for k, v in c['statuses'].items())}",
            *[f"   unexpected: {k} x{v}" for k, v in c["unexpected"].items()],
        ]
    o = results.get("outage")
    if o:
        lines += [
            f"2. Database stop of {args.outage:.0f} s (proxy cut at {o['cut_at']:.1f} s, restored at "
            f"{o['restored_at']:.1f} s), same load",
            f"   answers during the stop: {', '.join(f'{k} x{v}' for k, v in o['during'].items()) or 'none'}",
            f"   500s during: {o['server_errors_500_during']}, whole run: {o['server_errors_500_whole_run']}",
            f"   503 answered in p50 {fmt(o['p50_503_ms'], ' ms')}, p95 {fmt(o['p95_503_ms'], ' ms')}; Swedish "
            f"'inget sparades' page {o['swedish_503']} of {o['unavailable_during']}; "
            f"Retry-After {o['retry_after']}",
            f"   restore -> first successful save: {fmt(o['restore_to_first_save_s'], ' s', 2)}",
            *[f"   unexpected: {k} x{v}" for k, v in o["unexpected"].items()],
            f"   whole run: presses {o['presses']}, confirmed {o['confirmed']}, rows {o['rows']}, "
            f"LOST {o['lost']}, DUPLICATED {o['duplicated']} (unconfirmed {o['unconfirmed']})",
        ]
    w = results.get("worker_kill")
    if w:
        if not w.get("measurable"):
            lines.append(f"3. Worker kill: not yet measurable ({w.get('why')})")
        else:
            lines += [
                "3. Worker killed (SIGKILL to its process group) mid city-wide year report",
                f"   kill -> status JSON 'interrupted': {fmt(w.get('kill_to_json_interrupted_s'), ' s')}; "
                f"kill -> page says 'avbruten': {fmt(w.get('kill_to_page_avbruten_s'), ' s')} "
                f"(label {w.get('interrupted_label')!r})",
                f"   new worker -> done: {fmt(w.get('restart_to_done_s'), ' s')} (kill -> done "
                f"{fmt(w.get('kill_to_done_s'), ' s')}; the finishing compile {fmt(w.get('compile_s'), ' s')})",
                f"   final status {w.get('final_status')}, attempts {w.get('attempts')}, restarts "
                f"{w.get('restarts')}, finished exactly once: {w.get('finished_once')} (task deliveries: killed "
                f"worker {w.get('worker-a_deliveries')}, new worker {w.get('worker-b_deliveries')}, "
                f"{w.get('worker-b_succeeded')} succeeded)",
            ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consultants", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--outage", type=float, default=10, help="seconds the database is cut")
    parser.add_argument("--outage-at", type=float, default=10, help="seconds into the load the cut starts")
    parser.add_argument("--contacts", type=int, default=200_000, help="generated contacts (the report's size)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--retry-pause", type=float, default=1.0, help="seconds before a failed press is resent")
    parser.add_argument("--report-year", type=int, default=None, help="default: last year")
    parser.add_argument("--kill-after", type=float, default=1.0, help="seconds of running before the kill")
    parser.add_argument("--worker-boot", type=float, default=8.0, help="seconds for the first worker to start")
    parser.add_argument("--interrupt-deadline", type=float, default=180)
    parser.add_argument("--done-deadline", type=float, default=900)
    parser.add_argument("--watch-after", type=float, default=15, help="seconds to watch a done report stay done")
    parser.add_argument("--only", choices=["concurrency", "outage", "worker_kill"], action="append")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    only = set(args.only or ["concurrency", "outage", "worker_kill"])

    prepare(args.contacts, args.consultants, reuse=args.reuse)
    from django.utils import timezone

    from accounts.models import User

    args.report_year = args.report_year or timezone.localdate().year - 1
    users = [(f"trust.k{n + 1:02d}", User.objects.get(username=f"trust.k{n + 1:02d}").pk)
             for n in range(args.consultants)]  # fmt: skip
    stamp = time.strftime("%Y%m%d-%H%M%S")
    logs = OUT_DIR / f"trust-{stamp}"
    logs.mkdir(parents=True, exist_ok=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=BASE_DIR, capture_output=True, text=True)  # noqa: S607
    results: dict = {"args": vars(args), "command": " ".join(sys.argv), "commit": commit.stdout.strip(),
                     "load_average_at_start": os.getloadavg()}  # fmt: skip
    if "concurrency" in only:
        results["concurrency"] = scenario_concurrency(args, users, logs)
    if "outage" in only:
        results["outage"] = scenario_outage(args, users, logs)
    if "worker_kill" in only:
        results["worker_kill"] = scenario_worker_kill(args, logs)
    out = OUT_DIR / f"trust-{stamp}.json"
    out.write_text(json.dumps(results, default=str, indent=1))
    print(f"\ncommit {results['commit']}, load average at start {results['load_average_at_start'][0]:.1f} "
          f"on {os.cpu_count()} cores")  # fmt: skip
    print(table(args, results))
    print(f"\nraw results: {out.relative_to(BASE_DIR)}; logs: {logs.relative_to(BASE_DIR)}/")


if __name__ == "__main__":
    main()
