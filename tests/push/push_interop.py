#!/usr/bin/env python3
"""Web Push interoperability: Starling's pushes, opened by a reference implementation.

Run by tests/e2e/run_e2e.sh against the cluster it starts (STARLING_CLUSTER_DIR's env file
names the URL). A subscriber made here with its own P-256 key and auth secret subscribes through
the API; a tiny HTTP endpoint on 127.0.0.1 plays the push service; another user mentions the
subscriber. The push that arrives must decrypt with `http_ece` (PyPI, the reference RFC 8188 /
RFC 8291 implementation pywebpush uses) and carry Mastodon's payload, and its VAPID JWT must
verify (with `cryptography`) against the key the instance publishes.

Needs: python3 -m pip install http_ece cryptography (run_e2e.sh installs them).
Prints one line per check and ends with `push interop: N passed, M failed`; exits 1 on failure.
"""

import base64
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

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import e2elib  # noqa: E402  (the cluster's env file)

PASSED = FAILED = 0


def check(name, ok, detail=""):
    global PASSED, FAILED
    if ok:
        PASSED += 1
    else:
        FAILED += 1
    print(f"{'PASS' if ok else 'FAIL'} push interop: {name}" + (f" ({detail})" if detail else ""), flush=True)
    return ok


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def call(method, url, token=None, form=None, body=None):
    headers = {}
    data = None
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


class PushService(http.server.ThreadingHTTPServer):
    """Records what Starling sends; answers 201 Created as a push service does."""

    def __init__(self):
        self.received = []
        self.arrived = threading.Event()
        super().__init__(("127.0.0.1", 0), Handler)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.received.append((time.monotonic(), self.path, dict(self.headers.items()), body))
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()
        self.server.arrived.set()

    def log_message(self, *args):
        pass


def verify_vapid(header, instance_key, audience):
    """Checks `vapid t=<JWT>, k=<key>` as a push service would. Returns the JWT's claims."""
    fields = dict(part.strip().split("=", 1) for part in header[len("vapid "):].split(","))
    check("VAPID k is the instance's public key", fields.get("k") == instance_key, fields.get("k", "")[:20])
    signing_input, _, signature = fields["t"].rpartition(".")
    raw = unb64url(signature)
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(instance_key))
    der = utils.encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        key.verify(der, signing_input.encode(), ec.ECDSA(hashes.SHA256()))
        check("VAPID JWT signature verifies (ES256)", True)
    except Exception as error:  # noqa: BLE001 - reported
        check("VAPID JWT signature verifies (ES256)", False, repr(error))
    header_json = json.loads(unb64url(signing_input.split(".")[0]))
    claims = json.loads(unb64url(signing_input.split(".")[1]))
    check("JWT header alg ES256", header_json.get("alg") == "ES256", json.dumps(header_json))
    check("JWT aud is the push endpoint's origin", claims.get("aud") == audience, claims.get("aud", ""))
    now = time.time()
    check("JWT exp within 24 h", now < claims.get("exp", 0) <= now + 24 * 3600 + 5, str(claims.get("exp")))
    check("JWT sub is a contact", str(claims.get("sub", "")).startswith(("mailto:", "https://")), claims.get("sub", ""))
    return claims


def main():
    e2elib.load_env()
    base = e2elib.ENV["STARLING_URL"]
    run = secrets.token_hex(3)

    status, app = call("POST", base + "/api/v1/apps", form={
        "client_name": "push-interop", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write follow push"})
    check("app registered, vapid_key in the application entity", status == 200 and bool(app.get("vapid_key")), str(status))
    status, token = call("POST", base + "/oauth/token", form={
        "grant_type": "client_credentials", "client_id": app["client_id"], "client_secret": app["client_secret"],
        "scope": "read write follow push"})
    app_token = token["access_token"]

    def register(name):
        username = f"{name}_{run}"
        status, reply = call("POST", base + "/api/v1/accounts", app_token, form={
            "username": username, "email": f"{username}@push.example.org", "password": "correct-horse-9", "agreement": "true"})
        if status != 200:
            raise RuntimeError(f"register {username}: {status} {reply}")
        return username, reply["access_token"]

    subscriber, subscriber_read_token = register("pushsub")
    sender, sender_token = register("pushsend")
    status, grant = call("POST", base + "/oauth/token", form={
        "grant_type": "password", "client_id": app["client_id"], "client_secret": app["client_secret"],
        "username": subscriber, "password": "correct-horse-9", "scope": "read push"})
    check("password grant with the push scope", status == 200, str(status))
    push_token = grant["access_token"]

    status, instance = call("GET", base + "/api/v2/instance")
    instance_key = ((instance or {}).get("configuration") or {}).get("vapid", {}).get("public_key", "")
    check("instance v2 publishes configuration.vapid.public_key (65-byte point)",
          status == 200 and len(unb64url(instance_key)) == 65, instance_key[:20])
    check("application entity's vapid_key is the instance's", app.get("vapid_key") == instance_key)

    service = PushService()
    threading.Thread(target=service.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{service.server_address[1]}/push/{run}"
    private_key = ec.generate_private_key(ec.SECP256R1())
    public = private_key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    auth = os.urandom(16)
    status, subscription = call("POST", base + "/api/v1/push/subscription", push_token, body={
        "subscription": {"endpoint": endpoint, "keys": {"p256dh": b64url(public), "auth": b64url(auth)}},
        "data": {"alerts": {"mention": True, "follow": True}, "policy": "all"}})
    check("POST /api/v1/push/subscription", status == 200 and subscription.get("endpoint") == endpoint, f"{status} {subscription}")
    check("subscription's server_key is the instance's", subscription.get("server_key") == instance_key)

    text = f"@{subscriber} interop check {run}, does http_ece read this?"
    started = time.monotonic()
    status, _ = call("POST", base + "/api/v1/statuses", sender_token, form={"status": text})
    check("the mention is posted", status == 200, str(status))
    arrived = service.arrived.wait(10)
    if not check("a push arrives at the endpoint", arrived and bool(service.received), "" if arrived else "nothing within 10 s"):
        return
    at, path, headers, body = service.received[0]
    check(f"push delivered {1000 * (at - started):.0f} ms after the post was acknowledged", at - started < 5)
    headers = {k.lower(): v for k, v in headers.items()}
    check("Content-Encoding: aes128gcm", headers.get("content-encoding") == "aes128gcm", headers.get("content-encoding", ""))
    check("TTL header", headers.get("ttl", "").isdigit(), headers.get("ttl", ""))
    check("Urgency header", headers.get("urgency") in ("very-low", "low", "normal", "high"), headers.get("urgency", ""))
    verify_vapid(headers.get("authorization", ""), instance_key, f"http://127.0.0.1:{service.server_address[1]}")

    try:
        plain = http_ece.decrypt(body, private_key=private_key, auth_secret=auth, version="aes128gcm")
        check("http_ece decrypts the push (aes128gcm, RFC 8291)", True, f"{len(body)} bytes")
    except Exception as error:  # noqa: BLE001 - reported
        check("http_ece decrypts the push (aes128gcm, RFC 8291)", False, repr(error))
        return
    payload = json.loads(plain)
    status, notes = call("GET", base + "/api/v1/notifications", subscriber_read_token)
    mention = next((n for n in notes or [] if n.get("type") == "mention"), {})
    check("payload notification_id is the mention's", str(payload.get("notification_id")) == mention.get("id"),
          f"{payload.get('notification_id')} vs {mention.get('id')}")
    check("payload notification_type mention", payload.get("notification_type") == "mention")
    check("payload access_token is the subscription's token", payload.get("access_token") == push_token)
    check("payload title names the sender", payload.get("title") == f"You were mentioned by {sender}", payload.get("title", ""))
    check("payload body is the status text", payload.get("body") == text, payload.get("body", ""))
    check("payload preferred_locale and icon", payload.get("preferred_locale") == "en" and
          str(payload.get("icon", "")).startswith("http"), f"{payload.get('preferred_locale')} {payload.get('icon')}")
    check("exactly one push for one mention", len(service.received) == 1, str(len(service.received)))
    status, _ = call("DELETE", base + "/api/v1/push/subscription", push_token)
    check("DELETE /api/v1/push/subscription", status == 200, str(status))
    service.shutdown()


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # noqa: BLE001 - an unexpected error is a failure
        check("ran without an unexpected error", False, repr(error))
    print(f"push interop: {PASSED} passed, {FAILED} failed", flush=True)
    sys.exit(1 if FAILED or not PASSED else 0)
