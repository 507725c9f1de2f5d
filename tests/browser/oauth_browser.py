#!/usr/bin/env python3
"""The OAuth authorization-code flow as a person goes through it, in headless Chromium.

Runs against a running cluster (STARLING_URL): registers an app whose redirect URI is a small
HTTP server of this script's (the "app"), creates an account, then drives the browser: the app
opens /oauth/authorize, the person signs in and approves, the browser lands on the app's
callback with a code, the app exchanges it (with and without PKCE) and uses the token. Also:
a code used twice, a wrong verifier, an unregistered redirect URI and a wrong password are each
refused. Screenshots go to $SCREENSHOT_DIR (default: ./screenshots).

Prints one line per check and ends with `N passed, M failed`; exits non-zero on any failure.
"""

import base64
import hashlib
import http.server
import json
import os
import secrets
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

BASE = os.environ.get("STARLING_URL", "http://127.0.0.1:8080").rstrip("/")
SHOTS = os.environ.get("SCREENSHOT_DIR", "screenshots")
PASSED, FAILED = [], []


def check(name, ok, detail=""):
    (PASSED if ok else FAILED).append(name)
    print(f"{'ok  ' if ok else 'FAIL'} {name}{'' if ok else f' ({detail})'}", flush=True)
    return ok


def api(method, path, form=None, token=None, auth=None):
    """Calls the API; returns (status, parsed JSON or text)."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(BASE + path, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if auth:
        request.add_header("Authorization", auth)
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            body = response.read().decode()
            status = response.status
    except urllib.error.HTTPError as error:
        body, status = error.read().decode(), error.code
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body


class Callback(http.server.BaseHTTPRequestHandler):
    """The app's redirect URI: records the query the browser brings back."""
    received = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/callback":  # the browser also asks for /favicon.ico
            self.send_error(404)
            return
        query = urllib.parse.parse_qs(url.query)
        Callback.received.append({k: v[0] for k, v in query.items()})
        body = b"<!doctype html><title>App</title><p id=done>Signed in, you can close this page.</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(app, redirect, scope="read write", state=None, challenge=None):
    params = {"response_type": "code", "client_id": app["client_id"], "redirect_uri": redirect, "scope": scope}
    if state:
        params["state"] = state
    if challenge:
        params["code_challenge"] = challenge
        params["code_challenge_method"] = "S256"
    return BASE + "/oauth/authorize?" + urllib.parse.urlencode(params)


def exchange(app, code, redirect, verifier=None):
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
            "client_id": app["client_id"], "client_secret": app["client_secret"]}
    if verifier:
        form["code_verifier"] = verifier
    return api("POST", "/oauth/token", form)


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def main():
    os.makedirs(SHOTS, exist_ok=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Callback)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    redirect = f"http://127.0.0.1:{server.server_address[1]}/callback"

    status, app = api("POST", "/api/v1/apps", {"client_name": "Browser Test App", "redirect_uris": redirect,
                                                "scopes": "read write follow", "website": "https://example.org"})
    check("app registered", status == 200, status)
    status, app_token = api("POST", "/oauth/token", {"grant_type": "client_credentials", "client_id": app["client_id"],
                                                     "client_secret": app["client_secret"], "scope": "read write"})
    username = "web_" + secrets.token_hex(4)
    password = "correct horse battery"
    status, _ = api("POST", "/api/v1/accounts", {"username": username, "email": f"{username}@example.org",
                                                 "password": password, "agreement": "true"}, token=app_token["access_token"])
    check("account registered", status == 200, status)

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1000,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.set_page_load_timeout(20)
    try:
        verifier, challenge = pkce_pair()
        driver.get(authorize_url(app, redirect, state="s1", challenge=challenge))
        check("the app's link leads to the sign-in page", "/auth/sign_in" in driver.current_url, driver.current_url)
        driver.save_screenshot(os.path.join(SHOTS, "1-sign-in.png"))
        labels = [label.text for label in driver.find_elements(By.TAG_NAME, "label")]
        check("sign-in fields are labelled", labels == ["Username or e-mail address", "Password"], labels)

        # A wrong password: the page says so, no session.
        driver.find_element(By.ID, "login").send_keys(username)
        driver.find_element(By.ID, "password").send_keys("wrong password")
        driver.find_element(By.ID, "sign-in").click()
        # click() can return before the answer's page loads: wait for it, not for the old page.
        wait_for(lambda: driver.find_elements(By.ID, "error"))
        error = driver.find_elements(By.ID, "error")
        check("a wrong password is refused with a message", bool(error) and "Invalid" in error[0].text,
              driver.page_source[:300])
        check("a wrong password starts no session", driver.get_cookie("starling_session") is None)
        driver.save_screenshot(os.path.join(SHOTS, "2-wrong-password.png"))

        driver.find_element(By.ID, "password").send_keys(password)
        driver.find_element(By.ID, "sign-in").click()
        check("signing in leads to the consent page", wait_for(lambda: "/oauth/authorize" in driver.current_url),
              driver.current_url)
        cookie = driver.get_cookie("starling_session") or {}
        check("the session cookie is HttpOnly and SameSite=Lax", cookie.get("httpOnly") is True and cookie.get("sameSite") == "Lax", cookie)
        page = driver.find_element(By.TAG_NAME, "main").text
        check("the consent page names the app, the account and the scopes",
              "Browser Test App" in page and f"@{username}" in page and "read" in page and "write" in page, page[:300])
        driver.save_screenshot(os.path.join(SHOTS, "3-consent.png"))
        driver.set_window_size(390, 844)  # a phone
        driver.save_screenshot(os.path.join(SHOTS, "4-consent-phone.png"))
        driver.set_window_size(1000, 900)

        driver.find_element(By.ID, "approve").click()
        check("approving returns to the app with a code", wait_for(lambda: Callback.received), driver.current_url)
        back = Callback.received[-1] if Callback.received else {}
        check("the state comes back unchanged", back.get("state") == "s1", back)
        code = back.get("code", "")

        status, body = exchange(app, code, redirect, verifier=secrets.token_urlsafe(48))
        check("a wrong PKCE verifier is refused", status == 400 and body.get("error") == "invalid_grant", (status, body))

        # A new code (the session remembers the person: straight to consent), the right verifier.
        Callback.received.clear()
        driver.get(authorize_url(app, redirect, state="s2", challenge=challenge))
        driver.find_element(By.ID, "approve").click()
        wait_for(lambda: Callback.received)
        code = Callback.received[-1].get("code", "") if Callback.received else ""
        started = time.monotonic()
        status, token = exchange(app, code, redirect, verifier=verifier)
        check("the code and verifier give a token", status == 200 and token.get("scope") == "read write", (status, token))
        status, me = api("GET", "/api/v1/accounts/verify_credentials", token=token.get("access_token"))
        check("the token works", status == 200 and me.get("username") == username, (status, me))
        print(f"     token exchange + first call: {1000 * (time.monotonic() - started):.0f} ms")
        status, body = exchange(app, code, redirect, verifier=verifier)
        check("a code used twice is refused", status == 400 and body.get("error") == "invalid_grant", (status, body))
        status, _ = api("GET", "/api/v1/accounts/verify_credentials", token=token.get("access_token"))
        check("and the token its first use gave is revoked", status == 401, status)

        # Without PKCE.
        Callback.received.clear()
        driver.get(authorize_url(app, redirect, state="s3"))
        driver.find_element(By.ID, "approve").click()
        wait_for(lambda: Callback.received)
        code = Callback.received[-1].get("code", "") if Callback.received else ""
        status, token = exchange(app, code, redirect)
        check("the flow without PKCE gives a working token", status == 200 and
              api("GET", "/api/v1/accounts/verify_credentials", token=token.get("access_token"))[0] == 200, (status, token))

        # Denying.
        Callback.received.clear()
        driver.get(authorize_url(app, redirect, state="s4"))
        driver.find_element(By.ID, "deny").click()
        wait_for(lambda: Callback.received)
        back = Callback.received[-1] if Callback.received else {}
        check("denying returns access_denied", back.get("error") == "access_denied" and "code" not in back, back)

        # An unregistered redirect URI: an error page, the browser stays here.
        Callback.received.clear()
        driver.get(authorize_url(app, redirect.replace("/callback", "/elsewhere"), state="s5"))
        check("an unregistered redirect URI shows an error page",
              driver.current_url.startswith(BASE) and "redirect URI" in driver.page_source, driver.current_url)
        time.sleep(0.3)
        check("and sends nothing to the app", not Callback.received, Callback.received)
        driver.save_screenshot(os.path.join(SHOTS, "5-bad-redirect.png"))

        # Revocation: the app revokes its token; it stops working at once (through HAProxy: any node).
        status, _ = api("POST", "/oauth/revoke", {"token": token.get("access_token"), "client_id": app["client_id"],
                                                 "client_secret": app["client_secret"]})
        results = [api("GET", "/api/v1/accounts/verify_credentials", token=token.get("access_token"))[0] for _ in range(6)]
        check("a revoked token is refused by every node", status == 200 and all(s == 401 for s in results), (status, results))

        # Signing out.
        driver.get(BASE + "/auth/sign_in")
        driver.find_element(By.CSS_SELECTOR, "form[action='/auth/sign_out'] button").click()
        wait_for(lambda: driver.get_cookie("starling_session") is None)
        driver.get(authorize_url(app, redirect, state="s6"))
        check("after signing out the app's link asks to sign in again", "/auth/sign_in" in driver.current_url, driver.current_url)
    finally:
        driver.quit()
        server.shutdown()
    print(f"{len(PASSED)} passed, {len(FAILED)} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
