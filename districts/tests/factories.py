import datetime

import factory

from districts.models import (
    Budget,
    CaregiverRepresentativeCount,
    District,
    Municipality,
    Network,
    SupportPurchase,
    TargetGroup,
)

REFERENCE_DATE = datetime.date(2018, 1, 1)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    """Stockholm unless told otherwise: the municipality every district and user belongs to by default."""

    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = "0180"
    name = factory.LazyAttribute(lambda m: "Stockholm" if m.code == "0180" else f"Kommun {m.code}")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    municipality = factory.SubFactory(MunicipalityFactory)
    code = factory.Sequence(lambda n: f"district-{n}")
    name = factory.Sequence(lambda n: f"District {n}")

    @factory.post_generation
    def budget_sek_per_year(self, create, extracted, **kwargs):
        """A budget in force from the reference date, as the reference data loads it."""
        if create and extracted is not None:
            Budget.objects.create(district=self, sek_per_year=extracted, valid_from=REFERENCE_DATE)


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budget

    district = factory.SubFactory(DistrictFactory)
    sek_per_year = 1_000_000
    valid_from = REFERENCE_DATE


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"network-{n}")
    name = factory.Sequence(lambda n: f"Network {n}")

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        if create and extracted:
            self.districts.set(extracted)


class SupportPurchaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportPurchase

    buyer = factory.SubFactory(DistrictFactory)
    seller = factory.SubFactory(DistrictFactory)
    target_group = TargetGroup.UNDER_65
    share_percent = 25


class RepresentativeCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaregiverRepresentativeCount

    district = factory.SubFactory(DistrictFactory)
    target_group = TargetGroup.OVER_65
    count = 3
