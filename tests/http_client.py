"""A signed-in person speaking real HTTP to a server under test, with cookies and CSRF like a browser."""

import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar


class SignedInClient:
    def __init__(self, base: str, username: str, password: str = "pw"):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        status, _ = self.post("/admin/login/", {"username": username, "password": password, "next": "/admin/"})
        assert status == 200, f"sign-in as {username} failed with {status}"

    def get(self, path: str) -> tuple[int, str]:
        return self._open(self.base + path)

    def page(self, path: str) -> str:
        """The page's HTML; it must answer 200."""
        status, text = self.get(path)
        assert status == 200, f"{path} answered {status}"
        return text

    def post(self, path: str, data: dict, page: str | None = None) -> tuple[int, str]:
        """POST `data` with the CSRF token of `page` (fetched from `path` when not given)."""
        page = page if page is not None else self.page(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path}))

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
