import datetime

import factory

from consultants.models import (
    Allocation,
    AssignmentDescription,
    AssignmentTask,
    Consultant,
    DescriptionAssignment,
    Method,
    TaskKind,
)
from districts.models import TargetGroup
from districts.tests.factories import DistrictFactory, MunicipalityFactory


class MethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Method
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"m{n}")
    name = factory.Sequence(lambda n: f"Method {n}")


class ConsultantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultant

    ref = factory.Sequence(lambda n: f"T{n:03d}")
    home_district = factory.SubFactory(DistrictFactory)
    employment_percent = 100
    target_group = TargetGroup.ALL


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    consultant = factory.SubFactory(ConsultantFactory)
    district = factory.SelfAttribute("consultant.home_district")
    target_group = TargetGroup.ALL
    percent = 100
    valid_from = datetime.date(2018, 1, 1)


class AssignmentDescriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssignmentDescription

    series = factory.Sequence(lambda n: f"series-{n}")
    version = 1
    title = factory.Sequence(lambda n: f"Description {n}")
    district = None
    # A district's description is its district's municipality's; a template is Stockholm's by default.
    municipality = factory.LazyAttribute(lambda d: d.district.municipality if d.district else MunicipalityFactory())
    adopted_on = datetime.date(2024, 1, 1)


class AssignmentTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssignmentTask

    description = factory.SubFactory(AssignmentDescriptionFactory)
    kind = TaskKind.OPERATIVE
    text = factory.Sequence(lambda n: f"Task {n}")


class DescriptionAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DescriptionAssignment

    consultant = factory.SubFactory(ConsultantFactory)
    description = factory.SubFactory(
        AssignmentDescriptionFactory, district=factory.SelfAttribute("..consultant.home_district")
    )
    valid_from = datetime.date(2024, 1, 1)
    valid_until = None
