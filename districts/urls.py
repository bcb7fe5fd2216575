from django.urls import path

from . import views

app_name = "districts"
urlpatterns = [
    path("", views.district_list, name="list"),
    path("<slug:code>/", views.district_detail, name="detail"),
]
