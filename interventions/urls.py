from django.urls import path

from . import views

app_name = "interventions"
urlpatterns = [
    path("log/", views.log_contact, name="log"),
    path("log/talk-status/", views.talk_status_json, name="talk_status"),
    path("contacts/", views.contact_list_view, name="contacts"),
    path("contacts/<int:contact_id>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:contact_id>/delete/", views.contact_delete_view, name="contact_delete"),
    path("groups/", views.group_list, name="groups"),
    path("groups/new/", views.group_new, name="group_new"),
    path("groups/<int:group_id>/", views.group_detail, name="group"),
    path("groups/<int:group_id>/meetings/<int:meeting_id>/delete/", views.meeting_delete, name="meeting_delete"),
]
