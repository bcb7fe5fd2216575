import factory

from caregivers.models import Caregiver
from districts.tests.factories import DistrictFactory


class CaregiverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Caregiver
        skip_postgeneration_save = True

    label = factory.Sequence(lambda n: f"AB{n}")
    age_band = "65-79"
    gender = "woman"
    relation = "partner"
    condition = "dementia"
    target_group = "65_plus"

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        if create:
            self.districts.set(extracted or [DistrictFactory()])
