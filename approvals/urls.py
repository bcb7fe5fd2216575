from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("<slug:code>/<str:month>/", views.month_detail, name="month"),
    path("<slug:code>/<str:month>/submit/", views.submit, name="submit"),
    path("<slug:code>/<str:month>/approve/", views.approve, name="approve"),
    path("<slug:code>/<str:month>/accept/", views.accept, name="accept"),
    path("<slug:code>/<str:month>/reopen/", views.reopen, name="reopen"),
    path("<slug:code>/<str:month>/exception/", views.grant_exception, name="exception"),
]
