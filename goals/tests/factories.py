import factory

from goals.models import Goal, Measure


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    district = factory.SubFactory("districts.tests.factories.DistrictFactory")
    year = 2026
    title = factory.Sequence(lambda n: f"Goal {n}")
    measure = Measure.CAREGIVERS_REACHED
    target = 10
