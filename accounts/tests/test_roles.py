import pytest

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from districts.tests.factories import DistrictFactory


@pytest.mark.parametrize(
    ("role", "is_staff", "is_superuser"),
    [
        (Role.CONSULTANT, False, False),
        (Role.MANAGER, True, False),
        (Role.STRATEGIST, True, False),
        (Role.ADMIN, True, True),
    ],
)
def test_staff_and_superuser_status_follow_the_role(db, role, is_staff, is_superuser):
    user = UserFactory(role=role)

    assert (user.is_staff, user.is_superuser) == (is_staff, is_superuser)


def test_manager_may_change_districts_but_not_add_or_delete_them(db):
    manager = UserFactory(role=Role.MANAGER, districts=[DistrictFactory()])

    assert manager.has_perm("districts.change_district")
    assert manager.has_perm("consultants.add_allocation")
    assert not manager.has_perm("districts.add_district")
    assert not manager.has_perm("districts.delete_district")
    assert not manager.has_perm("accounts.change_user")
    assert not manager.has_perm("interventions.change_interventiontype")


def test_strategist_maintains_base_level_but_not_district_records(db):
    strategist = UserFactory(role=Role.STRATEGIST)

    assert strategist.has_perm("interventions.change_interventiontype")
    assert strategist.has_perm("consultants.change_assignmentdescription")
    assert strategist.has_perm("districts.view_district")
    assert not strategist.has_perm("districts.change_district")
    assert not strategist.has_perm("consultants.change_allocation")


def test_consultant_only_reads_and_admin_has_everything(db):
    consultant = UserFactory(role=Role.CONSULTANT)
    admin = UserFactory(role=Role.ADMIN)

    assert consultant.has_perm("consultants.view_consultant")
    assert not consultant.has_perm("consultants.change_consultant")
    assert admin.has_perm("accounts.change_user")
    assert admin.has_perm("districts.delete_district")


def test_inactive_user_has_no_role_permissions(db):
    manager = UserFactory(role=Role.MANAGER, is_active=False)

    assert not manager.has_perm("districts.change_district")


def test_createsuperuser_makes_an_administrator(db):
    user = User.objects.create_superuser("root", "root@example.org", "a-long-test-password")

    assert user.role == Role.ADMIN
    assert user.is_superuser


def test_consultant_gets_404_everywhere_in_the_admin(db, login):
    district = DistrictFactory()
    client = login(UserFactory(role=Role.CONSULTANT, districts=[district]))

    assert client.get("/admin/").status_code == 404
    assert client.get(f"/admin/districts/district/{district.pk}/change/").status_code == 404
    # The app's own logout works as usual.
    assert client.post("/logout/").status_code == 302
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_anonymous_visitor_is_sent_to_the_admin_login(db, client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
