#!/usr/bin/env python3
"""Blocks, mutes and locked accounts through the cluster (python3 stdlib).

- A block: follows gone both ways, re-follow refused, and the blocked account's new post does not
  reach the blocker's home read through the *other* API node (nor do already-delivered entries).
- A mute: the muted account's status leaves the home, the follow stays, unmute brings it back.
- A locked account: a follow becomes a request (requested), approved through the other node
  (following), after which a private post reaches the follower's home.

Env: STARLING_URL (HAProxy), API1_URL, API2_URL, STARLING_CLUSTER_DIR.
"""

import os
import random
import string
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import apiclient  # noqa: E402
import e2elib  # noqa: E402
from apiclient import call  # noqa: E402
from e2elib import check, poll, section  # noqa: E402

BASE = os.environ["STARLING_URL"].rstrip("/")
API1 = os.environ.get("API1_URL", BASE).rstrip("/")
API2 = os.environ.get("API2_URL", BASE).rstrip("/")
RUN = "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(6))


def app_token():
    return apiclient.app_token(BASE, "e2e relationships")


def register(app, name):
    return apiclient.register(BASE, app, f"r{name}_{RUN}"[:30])


def ids(reply):
    return [s["id"] for s in (reply.json or [])] if reply.status == 200 else None


def home(user, node):
    return ids(call("GET", f"{node}/api/v1/timelines/home", user["token"])) or []


def post(user, text, **extra):
    reply = call("POST", BASE + "/api/v1/statuses", user["token"], {"status": text, **extra})
    assert reply.status == 200, f"post: {reply!r}"
    return reply.json["id"]


def relationship(viewer, target, node=BASE):
    reply = call("GET", f"{node}/api/v1/accounts/relationships?id[]={target['id']}", viewer["token"])
    return (reply.json or [{}])[0] if reply.status == 200 else {}


def follow(follower, target, node=API1):
    return call("POST", f"{node}/api/v1/accounts/{target['id']}/follow", follower["token"])


@e2elib.scenario
def block(app):
    section("blocks: follows end both ways, the blocked account's posts stay out of the blocker's home")
    alice, bob = register(app, "alice"), register(app, "bob")
    check("alice follows bob", follow(alice, bob).status == 200)
    check("bob follows alice", follow(bob, alice).status == 200)
    home(alice, API2)  # builds alice's home list
    before = post(bob, "before the block")
    ok, seen, took = poll(lambda: (lambda got: (before in got, got))(home(alice, API2)), 10)
    check("bob's post reaches alice's home (api2) before the block", ok, f"{took:.2f}s")
    blocked = call("POST", f"{API1}/api/v1/accounts/{bob['id']}/block", alice["token"])
    check("block through api1 answers blocking=true, following=false", blocked.status == 200 and blocked.json.get("blocking") is True
          and blocked.json.get("following") is False and blocked.json.get("followed_by") is False, repr(blocked))
    seen_by_bob = relationship(bob, alice, API2)
    check("bob sees blocked_by=true through api2, no follow either way", seen_by_bob.get("blocked_by") is True
          and seen_by_bob.get("following") is False and seen_by_bob.get("followed_by") is False, repr(seen_by_bob))
    refused = follow(bob, alice, API2)
    check("bob cannot follow alice again (403)", refused.status == 403 and "error" in (refused.json or {}), repr(refused))
    check("nor alice bob", follow(alice, bob, API2).status == 403)
    after = post(bob, "after the block")
    marker = post(alice, "alice's own post, delivered after bob's")
    ok, got, took = poll(lambda: (lambda got: (marker in got, got))(home(alice, API2)), 10)
    check("alice's home (api2) is served", ok, f"{took:.2f}s")
    check("bob's new post is not in alice's home through api2", after not in got, repr(got))
    check("bob's earlier post left alice's home too", before not in got, repr(got))
    check("bob's status is 404 for alice", call("GET", f"{API2}/api/v1/statuses/{after}", alice["token"]).status == 404)
    check("alice lists bob in /api/v1/blocks", ids(call("GET", f"{API2}/api/v1/blocks", alice["token"])) == [bob["id"]])
    print(f"  transcript: POST {API1}/api/v1/accounts/{bob['id']}/block -> {blocked.status} blocking={blocked.json.get('blocking')}; "
          f"POST {API2}/api/v1/accounts/{alice['id']}/follow (bob) -> {refused.status} {refused.json}")


@e2elib.scenario
def mute(app):
    section("mutes: the status leaves the home, the follow stays, unmute brings it back")
    carol, dave = register(app, "carol"), register(app, "dave")
    check("carol follows dave", follow(carol, dave).status == 200)
    home(carol, API1)
    status = post(dave, "dave talks a lot")
    ok, _, took = poll(lambda: (status in home(carol, API2), None), 10)
    check("dave's post reaches carol's home", ok, f"{took:.2f}s")
    muted = call("POST", f"{API1}/api/v1/accounts/{dave['id']}/mute", carol["token"])
    check("mute answers muting=true, following=true", muted.status == 200 and muted.json.get("muting") is True
          and muted.json.get("following") is True, repr(muted))
    ok, got, _ = poll(lambda: (lambda got: (status not in got, got))(home(carol, API2)), 5)
    check("the muted account's status is gone from the home read through api2", ok, repr(got))
    check("the follow stays", relationship(carol, dave, API2).get("following") is True)
    check("carol lists dave in /api/v1/mutes", ids(call("GET", f"{API2}/api/v1/mutes", carol["token"])) == [dave["id"]])
    unmuted = call("POST", f"{API2}/api/v1/accounts/{dave['id']}/unmute", carol["token"])
    check("unmute answers muting=false", unmuted.status == 200 and unmuted.json.get("muting") is False, repr(unmuted))
    ok, got, _ = poll(lambda: (lambda got: (status in got, got))(home(carol, API1)), 5)
    check("unmute brings the status back (read through api1)", ok, repr(got))
    print(f"  transcript: POST {API1}/api/v1/accounts/{dave['id']}/mute -> muting={muted.json.get('muting')} "
          f"following={muted.json.get('following')}; home via api2 without {status}; unmute -> back")


@e2elib.scenario
def locked(app):
    section("locked accounts: a request approved, then private posts reach the follower")
    owner, fan = register(app, "owner"), register(app, "fan")
    lock = call("PATCH", f"{API1}/api/v1/accounts/update_credentials", owner["token"], {"locked": "true"})
    check("update_credentials locked=true", lock.status == 200 and lock.json.get("locked") is True, repr(lock))
    requested = follow(fan, owner, API2)
    check("following a locked account answers requested=true, following=false", requested.status == 200
          and requested.json.get("requested") is True and requested.json.get("following") is False, repr(requested))
    notes = call("GET", f"{API1}/api/v1/notifications", owner["token"]).json or []
    check("the owner gets a follow_request notification", any(n.get("type") == "follow_request" and n["account"]["id"] == fan["id"] for n in notes),
          repr([n.get("type") for n in notes]))
    check("the request is listed", ids(call("GET", f"{API1}/api/v1/follow_requests", owner["token"])) == [fan["id"]])
    hidden = post(owner, "before approval", visibility="private")
    check("a private post is 404 for the pending follower", call("GET", f"{API2}/api/v1/statuses/{hidden}", fan["token"]).status == 404)
    approved = call("POST", f"{API2}/api/v1/follow_requests/{fan['id']}/authorize", owner["token"])
    check("authorize answers followed_by=true", approved.status == 200 and approved.json.get("followed_by") is True, repr(approved))
    now = relationship(fan, owner, API1)
    check("the fan now follows (requested=false)", now.get("following") is True and now.get("requested") is False, repr(now))
    home(fan, API1)
    private = post(owner, "for approved followers", visibility="private")
    ok, got, took = poll(lambda: (lambda got: (private in got, got))(home(fan, API2)), 10)
    check("the private post reaches the follower's home through api2", ok, f"{took:.2f}s {got}")
    print(f"  transcript: POST follow -> requested={requested.json.get('requested')}; "
          f"POST {API2}/api/v1/follow_requests/{fan['id']}/authorize -> followed_by={approved.json.get('followed_by')}; "
          f"private {private} in fan's home: {ok}")


def main():
    app = app_token()
    block(app)
    mute(app)
    locked(app)
    return e2elib.summary()


if __name__ == "__main__":
    sys.exit(main())
