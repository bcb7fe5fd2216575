import factory

from districts.tests.factories import MunicipalityFactory
from goals.models import Goal, Measure


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    district = factory.SubFactory("districts.tests.factories.DistrictFactory")
    # A district's goal is its district's municipality's; a goal of the whole city is Stockholm's by default.
    municipality = factory.LazyAttribute(
        lambda goal: goal.district.municipality if goal.district else MunicipalityFactory()
    )
    year = 2026
    title = factory.Sequence(lambda n: f"Goal {n}")
    measure = Measure.CAREGIVERS_REACHED
    target = 10
