import factory

from districts.models import CaregiverRepresentativeCount, District, Network, SupportPurchase, TargetGroup


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"district-{n}")
    name = factory.Sequence(lambda n: f"District {n}")


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
