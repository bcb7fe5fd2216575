"""The restore drill on PostgreSQL: demo data, a consultant logging contacts through the service
while the backup runs, a restore into a fresh database, and the restored app's dashboard figures.

What "the same figures" honestly means while contacts keep arriving: the backup is one moment (the
exported snapshot). The restored database holds exactly the contacts committed before that moment
and none after it; the dashboard of the restored app shows the figures of that moment, which are
the source's figures before the writer started plus the contacts of the writer that made it into
the snapshot. The source meanwhile has moved on by the contacts logged after the snapshot, and
those (at least the ones committed while the backup was still running) are rightly missing.
"""

import datetime
import json
import subprocess
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import AllocationFactory, ConsultantFactory
from districts.models import District
from figures.periods import Period
from figures.snapshots import figures_for
from interventions.models import InterventionType
from interventions.services import contact_log
from operations import backup

from .databases import fresh_database, manage, postgres_url, query, table_counts

# Contacts the writer must commit after the snapshot while the backup still runs (see _slowed_pg_dump).
LOGGED_DURING_THE_DUMP = 3

DASHBOARD = """
import json
from figures.periods import Period
from figures.snapshots import figures_for
figures, as_of = figures_for(period=Period.year({year}), target_group=None, district_ids=[{district}])
print(json.dumps({{"contacts": figures[{district}]["contacts"], "caregivers": figures[{district}]["caregivers"]}}))
"""

RAW_FIGURES = (
    "SELECT count(*), count(DISTINCT caregiver_id) FROM interventions_contact "
    "WHERE deleted_at IS NULL AND district_id = %s AND date BETWEEN %s AND %s"
)


class Writer(threading.Thread):
    """A consultant logging contacts through the service, one after another, each with a caregiver not
    yet reached this year, until told to stop. Keeps (contact id, caregiver id) in commit order."""

    def __init__(self, *, user, consultant, district, advice, caregivers):
        super().__init__(daemon=True)
        self.user, self.consultant, self.district, self.advice = user, consultant, district, advice
        self.caregivers = caregivers
        self.logged: list[tuple[int, int]] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self):
        try:
            while not self.stop.is_set():
                caregiver = self.caregivers[len(self.logged) % len(self.caregivers)]
                contact = contact_log(
                    user=self.user, consultant=self.consultant, date=timezone.localdate(), channel="phone",
                    duration_minutes=10, intervention_type=self.advice, district=self.district,
                    target_group="65_plus", caregiver=caregiver,
                )  # fmt: skip
                self.logged.append((contact.pk, caregiver.pk))  # committed: contact_log is atomic
        except BaseException as exc:  # the test re-raises it
            self.error = exc
        finally:
            connection.close()

    def wait_for(self, count: int, timeout: float = 60):
        deadline = time.monotonic() + timeout
        while len(self.logged) < count:
            if self.error is not None or time.monotonic() > deadline:
                pytest.fail(f"The writer logged {len(self.logged)} of {count} contacts: {self.error!r}")
            time.sleep(0.01)


def _slowed_pg_dump(monkeypatch, writer: Writer) -> None:
    """pg_dump starts only once the writer has committed a few contacts after the snapshot was taken:
    the snapshot is exported before pg_dump runs, so these contacts were logged during the backup."""
    run = subprocess.run

    def run_after_writes(command, *args, **kwargs):
        if command[0].endswith("pg_dump") and any(arg.startswith("--snapshot=") for arg in command):
            writer.wait_for(len(writer.logged) + LOGGED_DURING_THE_DUMP)
        return run(command, *args, **kwargs)

    monkeypatch.setattr(backup.subprocess, "run", run_after_writes)


@pytest.mark.slow
def test_the_restore_drill_gives_back_the_snapshot_with_its_figures_and_no_new_audit_entries(
    transactional_db, postgresql, reference_data, tmp_path, monkeypatch
):
    # Given a city with a year of demo work and a consultant in Bromma with caregivers not met this year
    call_command("generate_demo_contacts", "--per-district", "100", "--seed", "1", "--allow-without-debug")
    bromma = District.objects.get(code="bromma")
    user = UserFactory(role=Role.CONSULTANT, districts=[bromma])
    consultant = ConsultantFactory(home_district=bromma, user=user)
    AllocationFactory(consultant=consultant, district=bromma)
    caregivers = CaregiverFactory.create_batch(100, districts=[bromma])
    year = timezone.localdate().year
    period = (datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    source = connection.settings_dict["NAME"]
    [(base_contacts, base_caregivers)] = query(source, RAW_FIGURES, (bromma.pk, *period))
    assert base_contacts > 0

    # When the backup runs while the consultant keeps logging contacts
    writer = Writer(
        user=user, consultant=consultant, district=bromma, advice=InterventionType.objects.get(code="advice"),
        caregivers=caregivers,
    )  # fmt: skip
    _slowed_pg_dump(monkeypatch, writer)
    output = tmp_path / "drill.dump"
    writer.start()
    try:
        writer.wait_for(3)  # some contacts before the snapshot
        call_command("backup_database", "--output", str(output))
        logged_by_the_end_of_the_backup = len(writer.logged)
    finally:
        writer.stop.set()
        writer.join(timeout=60)
    assert writer.error is None
    manifest = json.loads(output.with_name("drill.dump.manifest.json").read_text())
    source_counts_now = table_counts(source)

    with fresh_database() as target:
        restored = manage("restore_database", str(output), database_url=postgres_url(target))
        assert restored.returncode == 0, restored.stderr
        restored_counts = table_counts(target)
        logged = [contact_id for contact_id, _ in writer.logged]
        kept = {i for (i,) in query(target, "SELECT id FROM interventions_contact WHERE id = ANY(%s)", (logged,))}
        [(raw_contacts, raw_caregivers)] = query(target, RAW_FIGURES, (bromma.pk, *period))
        dashboard = manage(
            "shell", "-c", DASHBOARD.format(year=year, district=bromma.pk), database_url=postgres_url(target)
        )

    # Then every table has exactly the backup's rows: none added by the restore, audit log included
    assert restored_counts == manifest["tables"]
    assert f"all {len(manifest['tables'])} tables match the manifest" in restored.stdout
    audit_entries = manifest["tables"]["audit_auditentry"]
    assert restored_counts["audit_auditentry"] == audit_entries
    # ... the restored contacts of the writer are exactly those committed before the snapshot: a prefix
    # of its commits, with at least the ones logged while pg_dump ran missing
    k = len(kept)
    assert 3 <= k <= logged_by_the_end_of_the_backup - LOGGED_DURING_THE_DUMP
    assert kept == set(logged[:k])
    later = len(logged) - k
    assert manifest["tables"]["interventions_contact"] == source_counts_now["interventions_contact"] - later
    # (each logged contact is audited: the source's log grew by the later ones, the restore's did not)
    assert source_counts_now["audit_auditentry"] - audit_entries >= later
    # ... and the restored app's dashboard shows the snapshot's figures: the figures before the writer
    # plus the writer's k contacts (k caregivers reached for the first time this year), equal to a raw
    # recount of the restored rows; the source's own dashboard has moved on by the later contacts.
    assert dashboard.returncode == 0, dashboard.stderr
    reached = len({caregiver_id for _, caregiver_id in writer.logged[:k]})
    expected = {"contacts": base_contacts + k, "caregivers": base_caregivers + reached}
    assert json.loads(dashboard.stdout.strip().splitlines()[-1]) == expected
    assert {"contacts": raw_contacts, "caregivers": raw_caregivers} == expected
    source_figures, _as_of = figures_for(period=Period.year(year), target_group=None, district_ids=[bromma.pk])
    assert {key: source_figures[bromma.pk][key] for key in expected} == {
        "contacts": base_contacts + len(logged),
        "caregivers": base_caregivers + len({caregiver_id for _, caregiver_id in writer.logged}),
    }
