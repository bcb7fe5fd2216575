import datetime

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from approvals.models import EntryException, MonthApproval, MonthStatus
from districts.tests.factories import DistrictFactory


class MonthApprovalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthApproval

    district = factory.SubFactory(DistrictFactory)
    month = datetime.date(2026, 3, 1)
    status = MonthStatus.OPEN


class EntryExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EntryException

    district = factory.SubFactory(DistrictFactory)
    month = datetime.date(2026, 3, 1)
    granted_to = factory.SubFactory(UserFactory)
    granted_by = factory.SubFactory(UserFactory, role="manager")
    granted_at = factory.LazyFunction(timezone.now)
    valid_until = datetime.date(2026, 4, 25)
    reason = "Notes from a home visit came late."
