from django.urls import path

from . import views

app_name = "followup"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("start/", views.start, name="start"),
    path("dashboard/", views.dashboard_home, name="dashboard_home"),
    path("city/", views.city, name="city"),
    path("city/<slug:table>.csv", views.city_csv, name="city_csv"),
    path("city/<slug:table>.publication.csv", views.city_publication_csv, name="city_publication_csv"),
    path("dashboard/<slug:code>/", views.dashboard, name="dashboard"),
    path("dashboard/<slug:code>/<slug:table>.csv", views.dashboard_csv, name="dashboard_csv"),
    path(
        "dashboard/<slug:code>/<slug:table>.publication.csv",
        views.dashboard_publication_csv,
        name="dashboard_publication_csv",
    ),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:pk>/", views.report, name="report"),
    path("reports/<int:pk>/status/", views.report_status, name="report_status"),
    path("reports/<int:pk>/again/", views.report_reorder_view, name="report_reorder"),
    path("reports/<int:pk>/report.<str:file_format>", views.report_download, name="report_download"),
    path("reports/<int:pk>/publication.<str:file_format>", views.report_publication, name="report_publication"),
]
