import datetime

import factory

from collaboration.models import (
    ActivityKind,
    CaseOfficerMeasurement,
    CollaborationActivity,
    OutreachActivity,
    OutreachKind,
    Partner,
    PartnerKind,
)
from districts.tests.factories import DistrictFactory


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = PartnerKind.ASSOCIATION

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        if create:
            self.districts.set(extracted or [DistrictFactory()])


class CaseOfficerUnitFactory(PartnerFactory):
    name = factory.Sequence(lambda n: f"Biståndsenhet {n}")
    kind = PartnerKind.CASE_OFFICER_UNIT


class _ActivityFactory(factory.django.DjangoModelFactory):
    date = datetime.date(2025, 5, 14)
    title = factory.Sequence(lambda n: f"Activity {n}")

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        if create:
            members = list(self.network.districts.all()) if self.network else []
            self.districts.set(extracted or members or [DistrictFactory()])


class CollaborationActivityFactory(_ActivityFactory):
    class Meta:
        model = CollaborationActivity
        skip_postgeneration_save = True

    kind = ActivityKind.MEETING


class OutreachActivityFactory(_ActivityFactory):
    class Meta:
        model = OutreachActivity
        skip_postgeneration_save = True

    kind = OutreachKind.THEME_EVENING
    reach = 40


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseOfficerMeasurement

    unit = factory.SubFactory(CaseOfficerUnitFactory)
    starts_on = datetime.date(2025, 1, 1)
    ends_on = datetime.date(2025, 12, 31)
    new_cases = 167
    informed_cases = 71
