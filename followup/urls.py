from django.urls import path

from . import views

app_name = "followup"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("start/", views.start, name="start"),
    path("dashboard/", views.dashboard_home, name="dashboard_home"),
    path("city/", views.city, name="city"),
    path("city/<slug:table>.csv", views.city_csv, name="city_csv"),
    path("dashboard/<slug:code>/", views.dashboard, name="dashboard"),
    path("dashboard/<slug:code>/<slug:table>.csv", views.dashboard_csv, name="dashboard_csv"),
]
