"""Every admin changelist, for every role, lists only what the role's scope allows."""

import pytest
from django.contrib import admin

from accounts.models import Role, User
from accounts.scoping import scope_to_user
from accounts.tests.factories import UserFactory
from districts.models import District


@pytest.fixture
def users(reference_data):
    bromma = District.objects.get(code="bromma")
    hl = District.objects.get(code="hagersten-liljeholmen")
    return {
        "consultant": UserFactory(role=Role.CONSULTANT, districts=[bromma]),
        "manager": UserFactory(role=Role.MANAGER, districts=[bromma]),
        "hl_manager": UserFactory(role=Role.MANAGER, districts=[hl]),
        "strategist": UserFactory(role=Role.STRATEGIST),
        "admin": UserFactory(role=Role.ADMIN),
    }


SCOPED = [model for model in admin.site._registry if hasattr(model, "district_scope_paths")]


def test_every_district_bound_model_is_registered_with_a_scoped_admin():
    from accounts.scoping import DistrictScopedAdmin

    assert len(SCOPED) == 32
    assert all(isinstance(admin.site._registry[m], DistrictScopedAdmin) for m in SCOPED)


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m._meta.label)
@pytest.mark.parametrize("role", ["manager", "strategist"])
def test_changelist_shows_exactly_the_scoped_rows(users, login, model, role):
    user = users[role]
    client = login(user)
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/?all="

    response = client.get(url)

    assert response.status_code == 200
    expected = set(scope_to_user(model._default_manager.all(), user).values_list("pk", flat=True))
    shown = {obj.pk for obj in response.context["cl"].queryset}
    assert shown == expected
    if role == "strategist" and not getattr(model, "district_scope_personal_data", False):
        assert len(shown) == model._default_manager.count()
    else:
        assert len(shown) < model._default_manager.count() or model._default_manager.count() == 0


def test_manager_does_not_see_users_and_consultant_sees_no_admin(users, login):
    assert login(users["manager"]).get("/admin/accounts/user/").status_code == 403
    assert login(users["consultant"]).get("/admin/districts/district/").status_code == 404


def test_manager_can_view_but_not_change_the_city_template(users, login):
    from consultants.models import AssignmentDescription

    template = AssignmentDescription.objects.get(district__isnull=True)
    client = login(users["manager"])

    page = client.get(f"/admin/consultants/assignmentdescription/{template.pk}/change/")
    post = client.post(f"/admin/consultants/assignmentdescription/{template.pk}/change/", {"title": "Changed"})

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert post.status_code == 403
    template.refresh_from_db()
    assert template.title.startswith("Uppdragsbeskrivning")


def test_strategist_cannot_change_a_districts_own_description(users, login):
    from consultants.models import AssignmentDescription

    sodermalm = AssignmentDescription.objects.get(district__code="sodermalm")
    client = login(users["strategist"])

    page = client.get(f"/admin/consultants/assignmentdescription/{sodermalm.pk}/change/")

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False


def test_new_version_action_creates_a_draft(users, login):
    from consultants.models import AssignmentDescription

    template = AssignmentDescription.objects.get(district__isnull=True)
    client = login(users["strategist"])

    client.post(
        "/admin/consultants/assignmentdescription/",
        {"action": "new_version", "_selected_action": [template.pk]},
    )

    draft = AssignmentDescription.objects.get(series=template.series, version=2)
    assert draft.adopted_on is None
    assert draft.tasks.count() == template.tasks.count() == 10


def test_over_allocation_is_saved_with_a_warning(in_english, users, login):
    from consultants.models import Consultant

    k05 = Consultant.objects.get(ref="K05")
    allocation = k05.allocations.get(district__code="hagersten-liljeholmen")
    client = login(users["hl_manager"])

    response = client.post(
        f"/admin/consultants/allocation/{allocation.pk}/change/",
        {
            "consultant": k05.pk,
            "district": allocation.district_id,
            "target_group": "65_plus",
            "percent": 30,
            "valid_from": "2018-01-01",
        },
        follow=True,
    )

    allocation.refresh_from_db()
    assert allocation.percent == 30
    assert "K05 is allocated 40 % but employed 30 % on caregiver support." in [
        str(m) for m in response.context["messages"]
    ]


def test_administrator_creates_a_user_with_districts_in_the_admin(users, login):
    client = login(users["admin"])
    bromma = District.objects.get(code="bromma")
    data = {
        "username": "nils",
        "role": "consultant",
        "password1": "a-long-test-password",
        "password2": "a-long-test-password",
    }

    refused = client.post("/admin/accounts/user/add/", data)
    accepted = client.post("/admin/accounts/user/add/", {**data, "districts": [bromma.pk]})

    assert "districts" in refused.context["adminform"].form.errors
    assert accepted.status_code == 302
    assert list(User.objects.get(username="nils").districts.all()) == [bromma]


def test_manager_adopts_the_template_for_their_district(users, login):
    from consultants.models import AssignmentDescription

    template = AssignmentDescription.objects.get(district__isnull=True)
    client = login(users["hl_manager"])

    client.post(
        "/admin/consultants/assignmentdescription/",
        {"action": "adopt_for_my_districts", "_selected_action": [template.pk]},
    )

    adopted = AssignmentDescription.objects.get(district__code="hagersten-liljeholmen")
    assert (adopted.based_on, adopted.adopted_on, adopted.tasks.count()) == (template, None, 10)
    page = client.get(f"/admin/consultants/assignmentdescription/{adopted.pk}/change/")
    assert page.context["has_change_permission"] is True


def test_manager_records_a_purchase_from_another_district_but_only_for_their_own(reference_data, login):
    from districts.models import SupportPurchase

    skarholmen, hl, farsta = (District.objects.get(code=c) for c in ("skarholmen", "hagersten-liljeholmen", "farsta"))
    client = login(UserFactory(role=Role.MANAGER, districts=[skarholmen]))
    data = {"seller": hl.pk, "target_group": "65_plus", "share_percent": 10}

    refused = client.post("/admin/districts/supportpurchase/add/", {**data, "buyer": farsta.pk})
    accepted = client.post("/admin/districts/supportpurchase/add/", {**data, "buyer": skarholmen.pk})

    assert "buyer" in refused.context["adminform"].form.errors
    assert accepted.status_code == 302
    assert SupportPurchase.objects.filter(buyer=skarholmen, seller=hl, target_group="65_plus").exists()
    assert not SupportPurchase.objects.filter(buyer=farsta).exists()


def test_caregivers_in_the_admin_are_personal_data_scoped(users, login):
    from caregivers.tests.factories import CaregiverFactory

    bromma = District.objects.get(code="bromma")
    own = CaregiverFactory(districts=[bromma], label="OWN")
    other = CaregiverFactory(districts=[District.objects.get(code="farsta")], label="OTHER")

    manager_page = login(users["manager"]).get("/admin/caregivers/caregiver/")
    assert [c.label for c in manager_page.context["cl"].queryset] == ["OWN"]
    assert login(users["manager"]).get(f"/admin/caregivers/caregiver/{other.pk}/change/").status_code == 404
    strategist_page = login(users["strategist"]).get("/admin/caregivers/caregiver/")
    assert list(strategist_page.context["cl"].queryset) == []
    assert login(users["strategist"]).get(f"/admin/caregivers/caregiver/{own.pk}/change/").status_code == 404


def test_a_manager_sets_the_districts_talk_cap_within_the_base_levels_range(users, login):
    bromma = District.objects.get(code="bromma")
    client = login(users["manager"])
    page = client.get(f"/admin/districts/district/{bromma.pk}/change/")
    management = {
        f"{prefix}-{key}": value
        for formset in page.context["inline_admin_formsets"]
        for prefix in [formset.formset.prefix]
        for key, value in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()
    }
    base = {"placement": bromma.placement, "own_budget": "", "notes": bromma.notes, **management}

    refused = client.post(f"/admin/districts/district/{bromma.pk}/change/", {**base, "talk_cap": 7})
    accepted = client.post(f"/admin/districts/district/{bromma.pk}/change/", {**base, "talk_cap": 4})

    assert "talk_cap" in refused.context["adminform"].form.errors
    assert accepted.status_code == 302
    bromma.refresh_from_db()
    assert bromma.talk_cap == 4
