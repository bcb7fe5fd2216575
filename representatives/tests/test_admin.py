"""The register in the admin: scoped to the manager's districts, strategists read it, trainings read-only."""

import datetime

from accounts.models import Role
from accounts.tests.factories import UserFactory
from districts.tests.factories import DistrictFactory
from representatives.models import Representative
from representatives.tests.factories import RepresentativeFactory, RepresentativeTrainingFactory


def test_a_manager_sees_and_adds_only_their_districts_representatives(db, login):
    farsta, kista = DistrictFactory(code="farsta"), DistrictFactory(code="kista")
    ours, theirs = RepresentativeFactory(district=farsta), RepresentativeFactory(district=kista)
    client = login(UserFactory(role=Role.MANAGER, districts=[farsta]))

    listed = [r.pk for r in client.get("/admin/representatives/representative/").context["cl"].queryset]
    form = client.get("/admin/representatives/representative/add/").context["adminform"].form
    response = client.post(
        "/admin/representatives/representative/add/",
        {"district": farsta.pk, "unit_kind": "day_care", "unit_name": "Dagverksamheten", "label": "DV",
         "target_group": "65_plus", "trained_on": "2026-03-31"},
    )  # fmt: skip

    assert listed == [ours.pk]
    assert list(form.fields["district"].queryset) == [farsta]
    assert client.get(f"/admin/representatives/representative/{theirs.pk}/change/").status_code == 404
    assert response.status_code == 302
    # The same default as the register's page: 12 months on (30 April has no 31st).
    assert Representative.objects.get(label="DV").next_refresher == datetime.date(2027, 3, 31)


def test_strategists_read_the_register_and_nobody_changes_trainings_in_the_admin(db, login):
    training = RepresentativeTrainingFactory(districts=[DistrictFactory()])
    rep = RepresentativeFactory()
    strategist = login(UserFactory(role=Role.STRATEGIST))

    assert strategist.get(f"/admin/representatives/representative/{rep.pk}/change/").status_code == 200
    assert strategist.post(f"/admin/representatives/representative/{rep.pk}/change/", {}).status_code == 403
    admin = login(UserFactory(role=Role.ADMIN))
    assert admin.get("/admin/representatives/representativetraining/add/").status_code == 403
    page = admin.get(f"/admin/representatives/representativetraining/{training.pk}/change/")
    assert page.context["has_change_permission"] is False
