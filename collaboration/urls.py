from django.urls import path

from . import views

app_name = "collaboration"
urlpatterns = [
    path("", views.activity_list, name="activities"),
    path("new/", views.activity_new, name="activity_new"),
    path("<int:activity_id>/edit/", views.activity_edit, name="activity_edit"),
    path("outreach/", views.outreach_list, name="outreach"),
    path("outreach/new/", views.outreach_new, name="outreach_new"),
    path("outreach/<int:activity_id>/edit/", views.outreach_edit, name="outreach_edit"),
    path("partners/", views.partners, name="partners"),
    path("partners/new/", views.partner_new, name="partner_new"),
    path("partners/<int:partner_id>/edit/", views.partner_edit, name="partner_edit"),
    path("case-officers/", views.measurements, name="measurements"),
    path("case-officers/new/", views.measurement_new, name="measurement_new"),
    path("case-officers/<int:measurement_id>/edit/", views.measurement_edit, name="measurement_edit"),
]
