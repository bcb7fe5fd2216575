from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class SwedishFirstLocaleMiddleware(LocaleMiddleware):
    """Swedish unless the user chose another language with the switch.

    Django's own middleware follows the browser's Accept-Language, which would show English to
    staff whose browsers happen to be set up in English; the city's working language is Swedish.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class PermissionsPolicyMiddleware:
    """Send a Permissions-Policy header (settings.PERMISSIONS_POLICY) on every response.

    The app needs no camera, microphone, location, payment or other powerful browser feature; saying
    so means an injected script or a framed page cannot ask the staff's browser for them either.
    Django's SecurityMiddleware sends the other security headers but not this one.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        policy = getattr(settings, "PERMISSIONS_POLICY", {})
        self.header = ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
