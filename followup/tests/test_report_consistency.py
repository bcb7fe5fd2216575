"""A report is true to one moment: a real worker compiles it while another process keeps logging
contacts through the service. Its scope totals are the sums of its districts', and a recount of the
raw rows its snapshot saw (and of the rows committed before its as-of) equals it."""

import datetime
import json
import os
import subprocess
import sys
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Role
from accounts.scoping import SYSTEM
from accounts.tests.factories import UserFactory
from anhorigstod.tests.celery_worker import BASE_DIR, database_url, start_worker, wait_for
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from figures.periods import Period
from followup.models import FollowupReport, ReportScope, ReportStatus
from followup.services import report_order
from interventions.models import Contact
from interventions.tests.factories import ContactFactory, InterventionTypeFactory

SUMMABLE = ("contacts", "minutes", "anonymous")


def _recount_in_snapshot(snapshot: str, before: int, written: list[dict]) -> int:
    """The contacts the report's snapshot sees: those made before the writer started, and those whose
    (top-level) transaction the snapshot counts as committed. A row's own ``xmin`` won't do: the
    service inserts it in a savepoint, whose id no snapshot lists while its transaction runs."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM unnest(%s::bigint[]) AS x(xid) "
            "WHERE pg_visible_in_snapshot(x.xid::text::xid8, %s::pg_snapshot)",
            [[w["xid"] for w in written], snapshot],
        )
        return before + cursor.fetchone()[0]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_report_compiled_while_contacts_are_logged_is_true_to_one_moment(postgresql, celery_on_redis, tmp_path):
    app = celery_on_redis
    InterventionTypeFactory(code="advice")
    districts = [DistrictFactory(code=code) for code in ("bromma", "farsta", "kista")]
    consultant = ConsultantFactory(home_district=districts[0])
    user = UserFactory(role=Role.CONSULTANT, districts=districts)
    year = Period.year(timezone.localdate().year)  # the writer logs today, in an open month
    for i, district in enumerate(districts):
        for day in range(40 + 10 * i):
            ContactFactory(district=district, date=year.start + datetime.timedelta(days=day * 2))
    before = Contact.objects.count()

    queue = f"test-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    log, writes, stop = tmp_path / "worker.log", tmp_path / "writes.jsonl", tmp_path / "stop"
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "anhorigstod.settings.test", "DATABASE_URL": database_url()}
    writer = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "followup.tests.contact_writer", str(writes), str(stop), str(user.pk),
         str(consultant.pk), *(str(d.pk) for d in districts)],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=(tmp_path / "writer.err").open("w"),
    )  # fmt: skip
    worker = start_worker(app.conf.broker_url, queue, log)
    try:
        wait_for(lambda: writes.exists() and len(writes.read_text().splitlines()) >= 20, 60, "the writer", log)
        reports = [report_order(user=SYSTEM, period=year, scope=ReportScope.CITY) for _ in range(3)]
        wait_for(
            lambda: all(
                FollowupReport.objects.get(pk=r.pk).status in (ReportStatus.DONE, ReportStatus.FAILED) for r in reports
            ),
            120,
            "the reports",
            log,
        )
        stop.touch()
        writer.wait(timeout=30)
    finally:
        stop.touch()
        worker.terminate()
        worker.wait(timeout=20)
        if writer.poll() is None:
            writer.kill()
        app.conf.task_default_queue = "celery"
    assert writer.returncode == 0, (tmp_path / "writer.err").read_text()[-3000:]
    written = [json.loads(line) for line in writes.read_text().splitlines()]
    as_ofs = []
    for report in reports:
        report.refresh_from_db()
        assert report.status == ReportStatus.DONE, report.error
        content = report.content
        as_of = datetime.datetime.fromisoformat(content["compiled_at"]).timestamp()
        as_ofs.append(as_of)
        scope, parts = content["figures"]["scope"], content["figures"]["districts"].values()
        for name in SUMMABLE:
            assert scope[name] == sum(part[name] for part in parts), name
        for channel, counts in scope["by_channel"].items():
            assert counts["contacts"] == sum(p["by_channel"].get(channel, {}).get("contacts", 0) for p in parts)
        # The rows the snapshot saw, recounted; and by time: what committed before the as-of is in,
        # what began after it is not (one contact at most is in flight across the moment).
        assert scope["contacts"] == _recount_in_snapshot(content["snapshot"], before, written)
        committed = sum(1 for w in written if w["committed"] < as_of)
        began = sum(1 for w in written if w["began"] < as_of)
        assert before + committed <= scope["contacts"] <= before + began
        assert began - committed <= 1
        assert 0 < committed < len(written)  # compiled while the writer was writing
    assert len(set(as_ofs)) == len(reports)
