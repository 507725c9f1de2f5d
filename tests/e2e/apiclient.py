"""A small Mastodon API client for the e2e feature scripts (python3 stdlib only).

call() never raises on an HTTP error status: it returns a Reply with the status, body and headers,
so a check can look at a 4xx as easily as at a 200.
"""

import json
import urllib.error
import urllib.parse
import urllib.request

PASSWORD = "correct-horse-9"


class Reply:
    def __init__(self, status, body, headers):
        self.status, self.body, self.headers = status, body, headers

    @property
    def json(self):
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def __repr__(self):
        return f"HTTP {self.status} {self.body[:300]!r}"


def call(method, url, token=None, form=None, body=None, content_type=None, headers=None, timeout=30):
    """One request: `form` is sent urlencoded (lists repeat the key), else `body` as `content_type`."""
    data = body
    if form is not None:
        data = urllib.parse.urlencode(form, doseq=True).encode()
        content_type = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if content_type:
        request.add_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, response.read(), dict(response.headers))
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.read(), dict(error.headers))


def app_token(base, client_name, scopes="read write follow"):
    """A client-credentials token of a newly registered app (what POST /api/v1/accounts needs)."""
    app = call("POST", base + "/api/v1/apps", form={"client_name": client_name, "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                                                    "scopes": scopes}).json
    token = call("POST", base + "/oauth/token", form={"grant_type": "client_credentials", "client_id": app["client_id"],
                                                      "client_secret": app["client_secret"], "scope": scopes})
    return token.json["access_token"]


def register(base, app, username):
    """Signs `username` up through the API; returns {"name", "token", "id"}."""
    reply = call("POST", base + "/api/v1/accounts", app, {"username": username, "email": f"{username}@e2e.example.org",
                                                          "password": PASSWORD, "agreement": "true"})
    assert reply.status == 200, f"register {username}: {reply!r}"
    token = reply.json["access_token"]
    me = call("GET", base + "/api/v1/accounts/verify_credentials", token).json
    return {"name": username, "token": token, "id": me["id"]}
