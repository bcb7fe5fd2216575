"""The goal pages: validation on the right field, scoping (other districts 404), who may set what."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from goals.models import Goal, Measure, Status
from goals.services import goal_update
from interventions.tests.factories import InterventionTypeFactory

from .factories import GoalFactory


@pytest.fixture
def users(city):
    bromma, farsta = city["bromma"], city["farsta"]
    return {
        "consultant": UserFactory(role=Role.CONSULTANT, districts=[bromma]),
        "manager": UserFactory(role=Role.MANAGER, districts=[bromma]),
        "farsta_manager": UserFactory(role=Role.MANAGER, districts=[farsta]),
        "strategist": UserFactory(role=Role.STRATEGIST),
        "admin": UserFactory(role=Role.ADMIN),
    }


@pytest.fixture
def goals(city):
    return {
        "bromma": GoalFactory(district=city["bromma"], title="Bromma reaches 10", target=10),
        "farsta": GoalFactory(district=city["farsta"], title="Farsta reaches 10", target=10),
        "city": GoalFactory(district=None, title="The city reaches 100", target=100),
        "bromma_2025": GoalFactory(district=city["bromma"], year=2025, title="Bromma 2025", target=5),
    }


def _valid(city, **changes) -> dict:
    return {
        "district": city["bromma"].pk,
        "year": 2026,
        "title": "More caregivers reached",
        "measure": Measure.CAREGIVERS_REACHED,
        "target": 120,
        "assessed_status": "",
        "comment": "",
    } | changes


# --- The list -------------------------------------------------------------------------------------


def test_the_list_shows_the_years_goals_of_ones_districts_and_the_city(users, goals, login):
    response = login(users["manager"]).get("/goals/", {"year": 2026})

    titles = [row.goal.title for row in response.context["rows"]]
    assert response.status_code == 200
    assert titles == ["The city reaches 100", "Bromma reaches 10"]  # city-wide first
    assert [row.may_edit for row in response.context["rows"]] == [False, True]
    assert "Farsta reaches 10" not in response.content.decode()
    assert '<option value="2026" selected>2026</option>' in response.content.decode()  # no thousands separator


def test_a_strategist_sees_every_districts_goals_and_changes_only_the_citys(users, goals, login):
    response = login(users["strategist"]).get("/goals/", {"year": 2026})

    rows = {row.goal.title: row.may_edit for row in response.context["rows"]}
    assert rows == {"The city reaches 100": True, "Bromma reaches 10": False, "Farsta reaches 10": False}


def test_a_consultant_sees_the_goals_but_may_set_none(users, goals, login):
    client = login(users["consultant"])

    listing = client.get("/goals/", {"year": 2026})

    assert [row.goal.title for row in listing.context["rows"]] == ["The city reaches 100", "Bromma reaches 10"]
    assert listing.context["may_add"] is False
    assert client.get("/goals/new/").status_code == 404
    assert client.get(f"/goals/{goals['bromma'].pk}/edit/").status_code == 404


def test_an_unusable_year_falls_back_to_this_year(users, goals, login):
    response = login(users["manager"]).get("/goals/", {"year": "1066"})

    assert response.context["year"] == timezone.localdate().year


def test_the_list_costs_the_same_queries_with_many_goals(users, city, login, django_assert_num_queries):
    InterventionTypeFactory(code="talks")
    client = login(users["manager"])
    for measure, target in ((Measure.CAREGIVERS_REACHED, 5), (Measure.DESCRIPTIONS_SHARE, 100)):
        GoalFactory(district=city["bromma"], measure=measure, target=target)
        GoalFactory(district=None, measure=measure, target=target)
    client.get("/goals/", {"year": 2026})

    # The districts' caregivers reached are summed from the facts; the city's districts are its municipality's.
    with django_assert_num_queries(11):
        client.get("/goals/", {"year": 2026})
    for n in range(10):
        GoalFactory(district=city["bromma"], measure=Measure.COMPONENTS_OFFERED, target=1, title=f"c{n}")
        GoalFactory(district=None, measure=Measure.SUPPORT_CONTACTS_OFFERED, target=1, title=f"s{n}")
    # The coverage's 2 (of the municipality's districts, read once), however many goals (the city's
    # offers come with its caregivers).
    with django_assert_num_queries(11 + 2):
        client.get("/goals/", {"year": 2026})


# --- Setting goals ----------------------------------------------------------------------------------


def test_a_manager_sets_a_goal_for_their_district(users, city, login):
    response = login(users["manager"]).post("/goals/new/", _valid(city))

    goal = Goal.objects.get()
    assert response.status_code == 302
    assert (goal.district, goal.year, goal.target, goal.changed_by) == (city["bromma"], 2026, 120, users["manager"])


def test_a_manager_can_neither_set_another_districts_goal_nor_a_city_wide_one(users, city, login, in_english):
    client = login(users["manager"])

    other = client.post("/goals/new/", _valid(city, district=city["farsta"].pk))
    city_wide = client.post("/goals/new/", _valid(city, district=""))

    assert "Select a valid choice" in other.context["form"].errors["district"][0]
    assert city_wide.context["form"].errors["district"] == ["This field is required."]
    assert Goal.objects.count() == 0


def test_a_strategists_goal_is_city_wide(users, city, login):
    client = login(users["strategist"])

    response = client.post("/goals/new/", _valid(city, district=city["bromma"].pk))

    assert response.status_code == 302
    assert Goal.objects.get().district is None  # the district field is not theirs to fill


def test_an_administrator_sets_either(users, city, login):
    client = login(users["admin"])

    client.post("/goals/new/", _valid(city, district=""))
    client.post("/goals/new/", _valid(city, title="Bromma's"))

    assert sorted(Goal.objects.values_list("title", "district__code")) == [
        ("Bromma's", "bromma"),
        ("More caregivers reached", None),
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"target": ""}, "target", "Give the target the figure should reach."),
        ({"target": 0}, "target", "Give a target from 1 to 1000000."),
        (
            {"measure": Measure.DESCRIPTIONS_SHARE, "target": 101},
            "target",
            "A share's target is a percentage from 1 to 100.",
        ),
        (
            {"measure": Measure.COMPONENTS_OFFERED, "target": 4},
            "target",
            "The base level has 1 components; the target cannot be higher.",
        ),
        (
            {"assessed_status": "met"},
            "assessed_status",
            "The status of a measured goal is worked out from the figures; leave it empty.",
        ),
        ({"year": 2017}, "year", f"Give a year from 2018 to {timezone.localdate().year + 5}."),
        (
            {"measure": Measure.BY_HAND, "target": "", "comment": "Survey"},
            "assessed_status",
            "Say whether the goal is met, not met or in progress.",
        ),
        (
            {"measure": Measure.BY_HAND, "target": "", "assessed_status": "met"},
            "comment",
            "Say what the assessment rests on.",
        ),
        (
            {"measure": Measure.BY_HAND, "assessed_status": "met", "comment": "Survey"},
            "target",
            "A goal assessed by hand has no target; leave it empty.",
        ),
    ],
)
def test_bad_input_gets_a_message_on_its_field_and_saves_nothing(
    users, city, login, in_english, changes, field, message
):
    client = login(users["manager"])

    refused = client.post("/goals/new/", _valid(city, **changes))

    assert refused.status_code == 200
    assert refused.context["form"].errors == {field: [message]}
    assert Goal.objects.count() == 0


def test_a_goal_assessed_by_hand_with_status_and_comment_is_saved(users, city, login):
    data = _valid(city, measure=Measure.BY_HAND, target="", assessed_status="in_progress", comment="Survey in May")

    login(users["manager"]).post("/goals/new/", data)

    goal = Goal.objects.get()
    assert (goal.target, goal.assessed_status, goal.comment) == (None, Status.IN_PROGRESS, "Survey in May")


# --- Changing goals ----------------------------------------------------------------------------------


def test_a_manager_changes_their_districts_goal(users, goals, city, login):
    client = login(users["manager"])
    goal = goals["bromma"]

    response = client.post(f"/goals/{goal.pk}/edit/", _valid(city, title="Bromma reaches 12", target=12))

    goal.refresh_from_db()
    assert response.status_code == 302
    assert (goal.title, goal.target, goal.changed_by) == ("Bromma reaches 12", 12, users["manager"])


@pytest.mark.parametrize(
    ("role", "goal", "status"),
    [
        ("manager", "farsta", 404),  # another district's: like a missing one
        ("manager", "city", 404),  # the city's: the strategists'
        ("strategist", "bromma", 404),  # a district's own: its managers'
        ("strategist", "city", 200),
        ("farsta_manager", "farsta", 200),
        ("admin", "bromma", 200),
        ("admin", "city", 200),
    ],
)
def test_who_may_change_which_goal(users, goals, login, role, goal, status):
    assert login(users[role]).get(f"/goals/{goals[goal].pk}/edit/").status_code == status


def test_a_refused_change_changes_nothing(users, goals, city, login):
    client = login(users["manager"])
    before = list(Goal.objects.order_by("pk").values_list("title", "target", "district"))

    answers = [
        client.post(f"/goals/{goals[key].pk}/edit/", _valid(city, title="Hijacked", target=1)).status_code
        for key in ("farsta", "city")
    ]

    assert answers == [404, 404]
    assert list(Goal.objects.order_by("pk").values_list("title", "target", "district")) == before


def test_the_service_judges_before_by_the_stored_goal_not_by_values_already_on_it(users, goals, city):
    # A model form validated on the goal has copied the new values onto it before the service runs.
    goal = goals["farsta"]
    goal.district, goal.title = city["bromma"], "Taken over"

    with pytest.raises(PermissionDenied):
        goal_update(goal=goal, user=users["manager"], district=city["bromma"], title="Taken over")

    stored = Goal.objects.get(pk=goal.pk)
    assert (stored.district, stored.title) == (city["farsta"], "Farsta reaches 10")


def test_a_missing_goal_answers_like_another_districts(users, goals, login):
    client = login(users["manager"])

    other = client.get(f"/goals/{goals['farsta'].pk}/edit/")
    missing = client.get("/goals/987654321/edit/")

    assert (other.status_code, other.content) == (missing.status_code, missing.content)


# --- Admin --------------------------------------------------------------------------------------------


def test_admin_shows_city_wide_goals_to_a_manager_but_does_not_let_them_change_them(users, goals, login):
    client = login(users["manager"])
    city_goal = goals["city"]

    listing = client.get("/admin/goals/goal/?all=")
    page = client.get(f"/admin/goals/goal/{city_goal.pk}/change/")
    post = client.post(f"/admin/goals/goal/{city_goal.pk}/change/", {"title": "Changed", "year": 2026})

    shown = {goal.title for goal in listing.context["cl"].queryset}
    assert shown == {"Bromma reaches 10", "Bromma 2025", "The city reaches 100"}
    assert page.context["has_change_permission"] is False
    assert post.status_code == 403
    city_goal.refresh_from_db()
    assert city_goal.title == "The city reaches 100"


def test_admin_lets_a_strategist_change_the_citys_goals_only(users, goals, login):
    client = login(users["strategist"])

    district_page = client.get(f"/admin/goals/goal/{goals['bromma'].pk}/change/")
    city_page = client.get(f"/admin/goals/goal/{goals['city'].pk}/change/")
    added = client.post(
        "/admin/goals/goal/add/",
        {"title": "Every district offers the base level", "year": 2026, "measure": "components_offered", "target": 1,
         "district": goals["bromma"].district_id, "assessed_status": "", "comment": ""},
    )  # fmt: skip

    assert district_page.context["has_change_permission"] is False
    assert city_page.context["has_change_permission"] is True
    assert added.status_code == 200  # the district is not among the strategist's choices
    assert "district" in added.context["adminform"].form.errors
    assert not Goal.objects.filter(title="Every district offers the base level").exists()


def test_admin_records_who_changed_a_goal(users, goals, login):
    client = login(users["manager"])
    goal = goals["bromma"]

    client.post(
        f"/admin/goals/goal/{goal.pk}/change/",
        {"title": "Bromma reaches 11", "year": 2026, "measure": "caregivers_reached", "target": 11,
         "district": goal.district_id, "assessed_status": "", "comment": ""},
    )  # fmt: skip

    goal.refresh_from_db()
    assert (goal.title, goal.changed_by) == ("Bromma reaches 11", users["manager"])
