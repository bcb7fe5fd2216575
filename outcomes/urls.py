from django.urls import path

from . import views

app_name = "outcomes"
urlpatterns = [
    path("talks/<int:contact_id>/scores/", views.talk_scores, name="talk_scores"),
    path("talks/<int:contact_id>/follow-up/", views.talk_followup, name="talk_followup"),
    path("groups/<int:group_id>/follow-up/", views.group_followup, name="group_followup"),
]
