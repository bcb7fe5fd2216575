import datetime

import factory

from districts.models import TargetGroup
from districts.tests.factories import DistrictFactory
from representatives.models import Representative, RepresentativeTraining, TrainingKind, UnitKind


class RepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representative

    district = factory.SubFactory(DistrictFactory)
    unit_kind = UnitKind.CARE_HOME
    unit_name = factory.Sequence(lambda n: f"Care home {n}")
    label = factory.Sequence(lambda n: f"R{n}")
    target_group = TargetGroup.OVER_65
    trained_on = datetime.date(2026, 2, 1)
    next_refresher = datetime.date(2027, 2, 1)


class RepresentativeTrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RepresentativeTraining
        skip_postgeneration_save = True

    date = datetime.date(2026, 3, 1)
    kind = TrainingKind.INITIAL
    title = factory.Sequence(lambda n: f"Training {n}")
    participants = 5

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        if create and extracted:
            self.districts.set(extracted)

    @factory.post_generation
    def representatives(self, create, extracted, **kwargs):
        if create and extracted:
            self.representatives.set(extracted)
