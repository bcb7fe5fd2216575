"""A URLconf for the error-page tests: the app's own, plus views that fail on purpose."""

from django.db import OperationalError
from django.urls import path

from anhorigstod.urls import handler500  # noqa: F401 - the handler is read from here
from anhorigstod.urls import urlpatterns as app_urlpatterns


def database_down(request):
    raise OperationalError('connection to server at "127.0.0.1", port 1 failed: Connection refused')


def broken(request):
    raise ZeroDivisionError("a bug")


urlpatterns = [
    path("test-errors/database/", database_down),
    path("test-errors/bug/", broken),
    *app_urlpatterns,
]
