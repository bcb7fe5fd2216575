from django.urls import path

from . import views

app_name = "caregivers"
urlpatterns = [
    path("", views.caregiver_list, name="list"),
    path("new/", views.caregiver_new, name="new"),
    path("<int:caregiver_id>/", views.caregiver_detail, name="detail"),
    path("<int:caregiver_id>/edit/", views.caregiver_edit, name="edit"),
    path("<int:caregiver_id>/support-contact/", views.support_contact, name="support_contact"),
    path("<int:caregiver_id>/extract.<str:file_format>", views.caregiver_extract_view, name="extract"),
    path("<int:caregiver_id>/erase/", views.caregiver_erase_view, name="erase"),
]
