#!/usr/bin/env python3
"""Direct conversations, filters v2 and follow import through the cluster (python3 stdlib).

- A direct message reaches only its addressee: not a follower's home, not the public timeline; it is
  in the addressee's conversations (read through the other API node), a third person gets 404.
- A `hide` filter drops a status from the home timeline, a `warn` filter marks one with `filtered`.
- A CSV import (multipart) follows two accounts, processed by the workers; the export lists them.

Env: STARLING_URL (HAProxy), API1_URL, API2_URL, STARLING_CLUSTER_DIR.
"""

import json
import os
import random
import string
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from urllib.parse import urlparse

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
    return apiclient.app_token(BASE, "e2e dm")


def register(app, name):
    return apiclient.register(BASE, app, f"d{name}_{RUN}"[:30])


def ids(reply):
    return [s["id"] for s in (reply.json or [])] if reply.status == 200 else None


def post(user, text, **extra):
    reply = call("POST", API1 + "/api/v1/statuses", user["token"], {"status": text, **extra})
    assert reply.status == 200, f"post: {reply!r}"
    return reply.json["id"]


def home(user, node=API2):
    return ids(call("GET", node + "/api/v1/timelines/home", user["token"])) or []


def listen(user, path, done):
    """Opens one of the user's streams (server-sent events) through api2 and collects its lines in
    a thread until `done(lines)` is true or 15 s pass; returns {"lines", "thread"}."""
    request = urllib.request.Request(API2 + path)
    request.add_header("Authorization", f"Bearer {user['token']}")
    stream = urllib.request.urlopen(request, timeout=15)
    state = {"lines": []}

    def read():
        deadline = time.monotonic() + 15
        try:
            for raw in stream:
                state["lines"].append(raw.decode().rstrip("\n"))
                if done(state["lines"]) or time.monotonic() > deadline:
                    break
        except Exception as error:  # noqa: BLE001 - reported through the check
            state["lines"].append(repr(error))
        finally:
            stream.close()
    state["thread"] = threading.Thread(target=read, daemon=True)
    state["thread"].start()
    time.sleep(0.3)  # subscribed before the post
    return state


def listen_direct(user):
    """The user's direct stream, until its first data line."""
    return listen(user, "/api/v1/streaming/direct", lambda lines: lines[-1].startswith("data:"))


def updates(lines):
    """The statuses of the `update` events among a stream's lines."""
    out, event = [], None
    for line in lines:
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:") and event == "update":
            out.append(json.loads(line[5:]))
    return out


def listen_user(user, until):
    """The user's home stream, until `until(statuses of its update events)`."""
    return listen(user, "/api/v1/streaming/user", lambda lines: lines[-1].startswith("data:") and until(updates(lines)))


@e2elib.scenario
def direct_message(app):
    section("conversations: a direct message reaches only its addressee")
    sender, addressee, follower, third = register(app, "sender"), register(app, "addressee"), register(app, "follower"), register(app, "third")
    for reader in (addressee, follower):
        check(f"{reader['name']} follows the sender", call("POST", f"{API1}/api/v1/accounts/{sender['id']}/follow", reader["token"]).status == 200)
        home(reader)  # builds the home list
    public_post = post(sender, "a public one, for comparison")
    events = listen_direct(addressee)
    dm = post(sender, f"@{addressee['name']} just between us", visibility="direct")
    ok, _, took = poll(lambda: (public_post in home(follower) and dm in home(addressee), None), 10)
    check("the addressee's home has it (and the follower has the public post)", ok, f"{took:.2f}s")
    check("a follower's home does not", dm not in home(follower))
    public = ids(call("GET", API2 + "/api/v1/timelines/public?limit=40", third["token"])) or []
    check("the public timeline does not", dm not in public and public_post in public)
    ok, convs, took = poll(lambda: (lambda c: (len(c or []) == 1, c))(call("GET", API2 + "/api/v1/conversations", addressee["token"]).json), 10)
    check("it is in the addressee's conversations (read through api2)", ok and convs[0]["last_status"]["id"] == dm
          and convs[0]["unread"] is True and [a["id"] for a in convs[0]["accounts"]] == [sender["id"]], repr(convs)[:300])
    events["thread"].join(10)
    event = events["lines"]
    got_event = "event: conversation" in event and any(l.startswith("data:") and dm in l for l in event)
    check("the addressee's direct stream (on api2) gets a conversation event", got_event, repr(event)[:300])
    for who, user in (("the follower", follower), ("a third person", third)):
        got = call("GET", f"{API2}/api/v1/statuses/{dm}", user["token"])
        check(f"{who} gets 404 for it through api2", got.status == 404, repr(got))
    check("the third person has no conversation", call("GET", API2 + "/api/v1/conversations", third["token"]).json == [])
    conv_id = convs[0]["id"] if ok else "0"
    check("a third person cannot mark it read (404)", call("POST", f"{API1}/api/v1/conversations/{conv_id}/read", third["token"]).status == 404)
    read = call("POST", f"{API1}/api/v1/conversations/{conv_id}/read", addressee["token"])
    check("the addressee marks it read", read.status == 200 and read.json.get("unread") is False, repr(read))
    reply = post(addressee, f"@{sender['name']} got it", visibility="direct", in_reply_to_id=dm)
    ok, sconv, _ = poll(lambda: (lambda c: (bool(c) and c[0]["last_status"]["id"] == reply, c))(
        call("GET", API2 + "/api/v1/conversations", sender["token"]).json), 10)
    check("the reply joins the sender's same conversation, unread", ok and len(sconv) == 1 and sconv[0]["unread"] is True, repr(sconv)[:300])
    print(f"  transcript: GET {API2}/api/v1/conversations -> {[(c['id'], c['unread'], c['last_status']['id']) for c in sconv or []]}")


def create_filter(user, payload):
    return call("POST", API1 + "/api/v2/filters", user["token"], body=json.dumps(payload).encode(), content_type="application/json")


@e2elib.scenario
def filters(app):
    section("filters v2: hide drops a status from home, warn marks one")
    author, reader = register(app, "fauthor"), register(app, "freader")
    check("the reader follows the author", call("POST", f"{API1}/api/v1/accounts/{author['id']}/follow", reader["token"]).status == 200)
    home(reader)
    hide = create_filter(reader, {"title": "spoilers", "context": ["home"], "filter_action": "hide",
                                  "keywords_attributes": [{"keyword": "spoiler", "whole_word": True}]})
    check("a hide filter is created", hide.status == 200 and hide.json["filter_action"] == "hide" and len(hide.json["keywords"]) == 1, repr(hide))
    warn = create_filter(reader, {"title": "films", "context": ["home", "public"], "filter_action": "warn",
                                  "keywords_attributes": [{"keyword": "movie", "whole_word": True}]})
    check("a warn filter is created", warn.status == 200, repr(warn))
    # Until both shown posts came: separate fan-out jobs may stream them in either order.
    streamed = listen_user(reader, lambda got: all(any(text in s["content"] for s in got)
                                                   for text in (f"movie night {RUN}", f"plain words {RUN}")))
    hidden = post(author, f"huge SPOILER {RUN}")
    warned = post(author, f"movie night {RUN}")
    plain = post(author, f"plain words {RUN}")
    ok, got, took = poll(lambda: (lambda h: (plain in h and warned in h, h))(home(reader)), 10)
    check("the unfiltered posts arrive through api2", ok, f"{took:.2f}s")
    check("the hide filter dropped its status from the home", hidden not in (got or []), repr(got))
    statuses = call("GET", API2 + "/api/v1/timelines/home", reader["token"]).json or []
    marked = next((s for s in statuses if s["id"] == warned), {})
    results = marked.get("filtered") or []
    check("the warn filter marks its status with filtered", len(results) == 1 and results[0]["filter"]["id"] == warn.json["id"]
          and results[0]["keyword_matches"] == ["movie"], repr(results)[:300])
    check("an unmatched status carries no filtered", "filtered" not in next((s for s in statuses if s["id"] == plain), {"filtered": 1}))
    streamed["thread"].join(16)
    events = {s["id"]: s for s in updates(streamed["lines"])}
    check("the reader's stream (on api2) sends the unmatched status", plain in events, repr(list(events))[:200])
    check("and leaves out the one a hide filter matches", plain in events and hidden not in events, repr(list(events))[:200])
    check("and marks the one a warn filter matches", [r["filter"]["id"] for r in (events.get(warned) or {}).get("filtered") or []]
          == [warn.json["id"]], repr(events.get(warned))[:300])
    check("the author still sees the hidden status", hidden in home(author, API1))
    check("someone else's filter is 404", call("GET", f"{API2}/api/v2/filters/{warn.json['id']}", author["token"]).status == 404)
    deleted = call("DELETE", f"{API2}/api/v2/filters/{hide.json['id']}", reader["token"])
    check("deleting the hide filter on api2 shows the status again on api1 (cache invalidated)", deleted.status == 200
          and poll(lambda: (hidden in home(reader, API1), None), 5)[0])
    bad = create_filter(reader, {"title": "x", "context": ["nowhere"]})
    check("a bad context is a 422", bad.status == 422 and "error" in (bad.json or {}), repr(bad))


@e2elib.scenario
def follow_import(app):
    section("import: a CSV follows two accounts, in the background")
    importer, first, second = register(app, "importer"), register(app, "first"), register(app, "second")
    host = urlparse(BASE).hostname
    csv = ("Account address,Show boosts,Notify on new posts,Languages\n"
           f"{first['name']}@{host},true,false,\n@{second['name']},true,false,\nnobody_{RUN}@elsewhere.example,true,false,\n")
    boundary = "e2eBoundary" + RUN
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nfollowing\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"data\"; filename=\"following.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n"
            f"--{boundary}--\r\n").encode()
    created = call("POST", API1 + "/api/v1/import", importer["token"], body=body, content_type=f"multipart/form-data; boundary={boundary}")
    check("the import is accepted", created.status == 200 and created.json.get("total") == 3, repr(created))
    job = created.json["id"] if created.status == 200 else "0"
    ok, state, took = poll(lambda: (lambda j: ((j or {}).get("state") == "finished", j))(
        call("GET", f"{API2}/api/v1/imports/{job}", importer["token"]).json), 15)
    check("the workers finish it (progress read through api2)", ok and state["processed"] == 3 and state["failed"] == 1, f"{took:.2f}s {state}")
    rel = call("GET", f"{API2}/api/v1/accounts/relationships?id[]={first['id']}&id[]={second['id']}", importer["token"]).json or []
    check("both accounts are followed", [r.get("following") for r in rel] == [True, True], repr(rel))
    export = call("GET", API2 + "/api/v1/exports/following.csv", importer["token"])
    lines = export.body.decode().splitlines() if export.status == 200 else []
    check("the export lists them", lines[:1] == ["Account address,Show boosts,Notify on new posts,Languages"]
          and sorted(lines[1:]) == sorted([f"{first['name']}@{host},true,false,", f"{second['name']}@{host},true,false,"]), repr(lines))
    check("someone else's import is 404", call("GET", f"{API2}/api/v1/imports/{job}", first["token"]).status == 404)


def main():
    app = app_token()
    direct_message(app)
    filters(app)
    follow_import(app)
    return e2elib.summary()


if __name__ == "__main__":
    sys.exit(main())
