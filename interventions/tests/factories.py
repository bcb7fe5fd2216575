import datetime

import factory

from districts.models import TargetGroup
from districts.tests.factories import DistrictFactory
from interventions.models import (
    Contact,
    DistrictOffering,
    Group,
    GroupKind,
    InterventionCategory,
    InterventionType,
    Organiser,
)


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


class GuidanceTalksTypeFactory(InterventionTypeFactory):
    code = "guidance_talks"
    name = "Enskilda (vägledande) samtal"
    category = InterventionCategory.INDIVIDUAL_TALKS
    cap_min = 3
    cap_max = 5
    cap_default = 4


class AdviceTypeFactory(InterventionTypeFactory):
    code = "advice"
    name = "Råd och vägledning"


class OrganiserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organiser
        django_get_or_create = ("name",)

    name = "Vuxenskolan"
    kind = "study_association"


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    kind = GroupKind.OWN_GROUP
    name = factory.Sequence(lambda n: f"Group {n}")
    district = factory.SubFactory(DistrictFactory)
    target_group = TargetGroup.OVER_65
    topic = "dementia"
    starts_on = datetime.date(2026, 1, 1)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    date = datetime.date(2026, 3, 2)
    channel = "phone"
    duration_minutes = 15
    intervention_type = factory.SubFactory(AdviceTypeFactory)
    consultant = factory.SubFactory("consultants.tests.factories.ConsultantFactory")
    district = factory.SelfAttribute("consultant.home_district")
    target_group = TargetGroup.OVER_65
