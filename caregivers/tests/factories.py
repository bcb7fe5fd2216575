import factory

from caregivers.models import Caregiver
from districts.tests.factories import DistrictFactory, MunicipalityFactory


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
    # Stockholm by default; a caregiver given districts belongs to their districts' municipality.
    municipality = factory.SubFactory(MunicipalityFactory)

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        if create:
            districts = extracted or [DistrictFactory()]
            self.districts.set(districts)
            if self.municipality_id != districts[0].municipality_id:
                self.municipality_id = districts[0].municipality_id
                self.save(update_fields=["municipality"])
