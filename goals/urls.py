from django.urls import path

from . import views

app_name = "goals"
urlpatterns = [
    path("", views.goal_list_view, name="list"),
    path("new/", views.goal_new, name="new"),
    path("<int:goal_id>/edit/", views.goal_edit, name="edit"),
]
