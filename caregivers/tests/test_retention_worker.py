"""The nightly retention job, sent the way beat sends it, run by a real Celery worker on Redis."""

import datetime
import uuid

import pytest
from django.conf import settings
from django.utils import timezone

from anhorigstod.tests.celery_worker import start_worker, wait_for
from caregivers.models import Caregiver, ErasureReason, RetentionRun
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from interventions.tests.factories import ContactFactory


@pytest.mark.django_db(transaction=True)
def test_beats_retention_task_erases_on_a_real_worker_and_records_the_run(postgresql, celery_on_redis, tmp_path):
    app = celery_on_redis
    bromma = DistrictFactory(code="bromma")
    consultant = ConsultantFactory(home_district=bromma)
    today = timezone.localdate()
    gone, kept = CaregiverFactory(districts=[bromma], label="GONE"), CaregiverFactory(districts=[bromma], label="KEPT")
    ContactFactory(caregiver=gone, consultant=consultant, district=bromma, date=today.replace(year=today.year - 4))
    ContactFactory(caregiver=kept, consultant=consultant, district=bromma, date=today - datetime.timedelta(days=30))
    Caregiver.objects.update(created_at=timezone.now().replace(year=today.year - 5))
    task = settings.CELERY_BEAT_SCHEDULE["erase-expired-caregivers"]["task"]

    queue = f"test-{uuid.uuid4().hex[:8]}"  # this test's own queue: no other test's messages
    log = tmp_path / "worker.log"
    worker = start_worker(app.conf.broker_url, queue, log)
    try:
        app.send_task(task, queue=queue)
        run = wait_for(
            lambda: RetentionRun.objects.filter(finished_at__isnull=False).first(),
            timeout=60,
            what="the worker to finish the retention run",
            log=log,
        )
    finally:
        worker.terminate()
        worker.wait(timeout=20)

    gone.refresh_from_db()
    kept.refresh_from_db()
    assert (run.retention_years, run.erased_count) == (3, 1)
    assert [(e.caregiver_id, e.reason, e.erased_by) for e in run.erasures.all()] == [
        (gone.pk, ErasureReason.RETENTION, None)
    ]
    assert (gone.is_erased, gone.label == "GONE", kept.is_erased, kept.label) == (True, False, False, "KEPT")
