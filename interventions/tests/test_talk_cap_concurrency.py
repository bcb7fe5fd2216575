"""The talk cap holds under concurrency: real threads, each on its own PostgreSQL connection."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from interventions.models import Contact
from interventions.services import TalkCapReached, contact_log
from interventions.tests.factories import GuidanceTalksTypeFactory

SUBMISSIONS = 10


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_talks_at_cap_minus_one_yield_exactly_one(postgresql):
    district = DistrictFactory(code="bromma", talk_cap=4)
    user = UserFactory(role=Role.CONSULTANT, districts=[district])
    consultant = ConsultantFactory(home_district=district, user=user)
    talks = GuidanceTalksTypeFactory()
    caregiver = CaregiverFactory(districts=[district])
    day = timezone.localdate()  # an open month (a past one would be closed to entry)
    for _ in range(3):  # cap - 1
        contact_log(
            user=user, consultant=consultant, date=day, channel="phone", duration_minutes=30,
            intervention_type=talks, district=district, target_group="65_plus", caregiver=caregiver,
        )  # fmt: skip

    start = threading.Barrier(SUBMISSIONS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit() -> None:
        try:
            start.wait(timeout=30)
            contact_log(
                user=user, consultant=consultant, date=day, channel="individual_meeting", duration_minutes=60,
                intervention_type=talks, district=district, target_group="65_plus", caregiver=caregiver,
            )  # fmt: skip
            result = "accepted"
        except TalkCapReached:
            result = "refused"
        except Exception as exc:  # any other outcome is a failure to report
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=submit) for _ in range(SUBMISSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["accepted"] + ["refused"] * (SUBMISSIONS - 1)
    live = Contact.objects.alive().filter(caregiver=caregiver, talk_number__isnull=False)
    assert sorted(live.values_list("talk_number", flat=True)) == [1, 2, 3, 4]
