from accounts.models import Role
from accounts.scoping import SYSTEM, district_ids_in_scope, scope_to_user
from accounts.tests.factories import UserFactory
from consultants.models import AssignmentDescription, Consultant
from consultants.tests.factories import AllocationFactory, AssignmentDescriptionFactory, ConsultantFactory
from districts.models import District
from districts.tests.factories import DistrictFactory, MunicipalityFactory


def test_consultant_and_manager_scope_is_their_own_districts(db):
    bromma, farsta, _ = DistrictFactory(code="bromma"), DistrictFactory(code="farsta"), DistrictFactory()
    consultant = UserFactory(role=Role.CONSULTANT, districts=[bromma])
    manager = UserFactory(role=Role.MANAGER, districts=[bromma, farsta])

    assert district_ids_in_scope(consultant) == frozenset({bromma.pk})
    assert district_ids_in_scope(manager) == frozenset({bromma.pk, farsta.pk})


def test_strategist_sees_every_district_but_personal_data_only_in_own(db):
    bromma = DistrictFactory(code="bromma")
    farsta = DistrictFactory(code="farsta")
    DistrictFactory(code="nacka", municipality=MunicipalityFactory(code="0182", name="Nacka"))
    strategist = UserFactory(role=Role.STRATEGIST, districts=[bromma])
    admin = UserFactory(role=Role.ADMIN)

    # Every district of their own municipality, none of another.
    assert district_ids_in_scope(strategist) == frozenset({bromma.pk, farsta.pk})
    assert district_ids_in_scope(admin) == frozenset({bromma.pk, farsta.pk})
    assert district_ids_in_scope(strategist, personal_data=True) == frozenset({bromma.pk})
    assert district_ids_in_scope(admin, personal_data=True) == frozenset()


def test_inactive_and_anonymous_users_see_nothing(db):
    from django.contrib.auth.models import AnonymousUser

    bromma = DistrictFactory()
    inactive = UserFactory(role=Role.MANAGER, districts=[bromma], is_active=False)

    assert district_ids_in_scope(inactive) == frozenset()
    assert district_ids_in_scope(AnonymousUser()) == frozenset()
    assert District.objects.visible_to(AnonymousUser()).count() == 0


def test_system_scope_is_the_whole_city(db):
    DistrictFactory.create_batch(3)

    assert district_ids_in_scope(SYSTEM) is None
    assert District.objects.visible_to(SYSTEM).count() == 3


def test_consultant_serving_several_districts_is_visible_in_each_and_listed_once(db):
    bromma, farsta, alvsjo = DistrictFactory(), DistrictFactory(), DistrictFactory()
    shared = ConsultantFactory(home_district=bromma)
    AllocationFactory(consultant=shared, district=bromma)
    AllocationFactory(consultant=shared, district=farsta, target_group="under_65")
    AllocationFactory(consultant=shared, district=farsta, target_group="65_plus")
    only_alvsjo = ConsultantFactory(home_district=alvsjo)
    AllocationFactory(consultant=only_alvsjo)
    farsta_manager = UserFactory(role=Role.MANAGER, districts=[farsta])

    visible = list(Consultant.objects.visible_to(farsta_manager))

    assert visible == [shared]


def test_city_wide_template_is_visible_to_every_district(db):
    bromma, farsta = DistrictFactory(), DistrictFactory()
    template = AssignmentDescriptionFactory(district=None)
    bromma_description = AssignmentDescriptionFactory(district=bromma)
    AssignmentDescriptionFactory(district=farsta)
    consultant = UserFactory(role=Role.CONSULTANT, districts=[bromma])

    visible = set(scope_to_user(AssignmentDescription.objects.all(), consultant))

    assert visible == {template, bromma_description}


def test_caregivers_in_scope_are_read_from_their_district_links_alone(db):
    from caregivers.models import Caregiver
    from caregivers.tests.factories import CaregiverFactory

    bromma, farsta, alvsjo = DistrictFactory(), DistrictFactory(), DistrictFactory()
    both = CaregiverFactory(label="BOTH-1", districts=[bromma, farsta])
    mine = CaregiverFactory(label="MINE-1", districts=[farsta])
    CaregiverFactory(label="OTHER-1", districts=[alvsjo])
    manager = UserFactory(role=Role.MANAGER, districts=[bromma, farsta])

    visible = Caregiver.objects.visible_to(manager).order_by("label")
    subquery = str(visible.query).split(" IN (SELECT ", 1)[1]

    # Each caregiver once, however many of the user's districts they are in; none outside them.
    assert list(visible) == [both, mine]
    # The link table's district index answers which caregivers: the caregivers' table is not read
    # again inside the subquery (the planner read all of it for that join).
    assert "caregivers_caregiver_districts" in subquery
    assert 'FROM "caregivers_caregiver"' not in subquery
    assert 'JOIN "caregivers_caregiver"' not in subquery
