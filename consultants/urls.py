from django.urls import path

from . import views

app_name = "consultants"
urlpatterns = [
    path("", views.consultant_list, name="list"),
    path("<int:consultant_id>/", views.consultant_detail, name="detail"),
    path("descriptions/<int:description_id>/", views.description_detail, name="description"),
]
