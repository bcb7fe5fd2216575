import factory

from accounts.models import Role, User
from districts.tests.factories import MunicipalityFactory


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.CONSULTANT
    password = factory.django.Password("a-long-test-password")
    # Stockholm by default; a user given districts belongs to their districts' municipality.
    municipality = factory.SubFactory(MunicipalityFactory)

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        if create and extracted:
            self.districts.set(extracted)
            first = extracted[0].municipality_id
            if self.municipality_id != first:
                self.municipality_id = first
                self.save(update_fields=["municipality"])
