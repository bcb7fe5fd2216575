from django.urls import path

from . import views

app_name = "representatives"
urlpatterns = [
    path("<slug:code>/", views.register, name="register"),
    path("<slug:code>/new/", views.representative_new, name="new"),
    path("<slug:code>/<int:representative_id>/edit/", views.representative_edit, name="edit"),
    path("<slug:code>/trainings/new/", views.training_new, name="training_new"),
]
