"""A browser-like HTTP client over real sockets (cookies kept, redirects not followed), stdlib only."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN_INPUT = re.compile(r'name="submission_token" value="([0-9a-f-]{36})"')


@dataclass
class Answer:
    status: int
    headers: dict
    text: str

    def field(self, pattern: re.Pattern) -> str:
        return pattern.search(self.text).group(1)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class HttpUser:
    def __init__(self, base_url: str, timeout: float = 30):
        self.base_url = base_url
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def request(self, path: str, data: dict | None = None, headers: dict | None = None) -> Answer:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers or {})  # noqa: S310
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Answer(response.status, dict(response.headers), response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read().decode())

    def get(self, path: str) -> Answer:
        return self.request(path)

    def post(self, path: str, data: dict) -> Answer:
        return self.request(path, data, headers={"Referer": self.base_url + path})

    def log_in(self, username: str, password: str) -> Answer:
        page = self.get("/login/")
        answer = self.post("/login/", {"username": username, "password": password,
                                        "csrfmiddlewaretoken": page.field(CSRF_INPUT)})  # fmt: skip
        assert answer.status == 302, answer.text[:2000]
        return answer
