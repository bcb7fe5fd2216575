import os

from anhorigstod.request_guards import get_guarded_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anhorigstod.settings.production")

# Django's handler, with requests that survive a Content-Type it cannot parse (answered 400).
application = get_guarded_wsgi_application()
