from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import health

urlpatterns = [
    path("", include("followup.urls")),
    path("districts/", include("districts.urls")),
    path("consultants/", include("consultants.urls")),
    path("caregivers/", include("caregivers.urls")),
    path("representatives/", include("representatives.urls")),
    path("", include("interventions.urls")),
    path("audit/", include("audit.urls")),
    path("approvals/", include("approvals.urls")),
    path("outcomes/", include("outcomes.urls")),
    path("goals/", include("goals.urls")),
    path("collaboration/", include("collaboration.urls")),
    path("benchmark/", include("benchmark.urls")),
    path("account/", include("accounts.urls")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", health.health, name="health"),
    path("admin/", admin.site.urls),
]

# Our own 500/503 page (400, 403 and 404 are Django's views rendering templates/4xx.html).
handler500 = "anhorigstod.errors.server_error"
