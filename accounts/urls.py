from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.security, name="security"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("municipality/", views.municipality, name="municipality"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
]
