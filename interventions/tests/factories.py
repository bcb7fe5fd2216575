import factory

from districts.models import TargetGroup
from districts.tests.factories import DistrictFactory
from interventions.models import DistrictOffering, InterventionCategory, InterventionType


class InterventionTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterventionType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"intervention-{n}")
    name = factory.Sequence(lambda n: f"Intervention {n}")
    category = InterventionCategory.ADVICE_AND_GUIDANCE


class DistrictOfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DistrictOffering

    district = factory.SubFactory(DistrictFactory)
    target_group = TargetGroup.OVER_65
    intervention_type = factory.SubFactory(InterventionTypeFactory)
