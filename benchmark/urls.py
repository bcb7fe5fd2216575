from django.urls import path

from . import views

app_name = "benchmark"
urlpatterns = [
    path("", views.benchmark, name="page"),
    path("publish/", views.publish, name="publish"),
    path("export.<str:file_format>", views.export, name="export"),
    path("<slug:table>.csv", views.benchmark_csv, name="csv"),
    path("indicators/", views.indicators, name="indicators"),
    path("indicators.json", views.indicators_json, name="indicators_json"),
]
