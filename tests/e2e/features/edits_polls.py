#!/usr/bin/env python3
"""Status edits and polls through the cluster (python3 stdlib).

- An edit seen through a cached home: the follower reads their home through api1 (the status is
  cached in Redis and rendered on that node), the author edits through api1, the follower reads
  again through api2: new text and edited_at, at once.
- History (oldest first, current last) and source; who may edit (403 / 404 / 422 on a reblog);
  a reblogger's `update` notification.
- A poll voted from both API nodes at once (many voters, half through each node): totals exact;
  one vote per person, no vote on one's own poll, choices validated.

Env: STARLING_URL (HAProxy), API1_URL, API2_URL, STARLING_CLUSTER_DIR.
"""

import json
import os
import random
import string
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request

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
    return apiclient.app_token(BASE, "e2e edits")


def register(app, name):
    return apiclient.register(BASE, app, f"e{name}_{RUN}"[:30])


def home(url, user):
    reply = call("GET", url + "/api/v1/timelines/home", user["token"])
    return reply.json if reply.status == 200 else None


def find(statuses, status_id):
    return next((s for s in statuses or [] if s["id"] == status_id), None)


class EventStream(threading.Thread):
    """Reads a server-sent event stream in the background, keeping (event, data) pairs."""

    def __init__(self, url, token):
        super().__init__(daemon=True)
        self.url, self.token, self.events, self.ready = url, token, [], threading.Event()

    def run(self):
        request = urllib.request.Request(self.url)
        request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                self.ready.set()
                event = None
                for raw in response:
                    line = raw.decode("utf-8", "replace").rstrip("\n")
                    if line.startswith("event:"):
                        event = line[6:].strip()
                    elif line.startswith("data:") and event:
                        self.events.append((event, line[5:].strip()))
        except Exception:  # noqa: BLE001 - the stream ends with the test
            self.ready.set()


@e2elib.scenario
def edit_through_cached_home(app):
    section("edits: an edit seen at once through a cached home on the other node")
    author, follower, stranger = register(app, "author"), register(app, "follower"), register(app, "stranger")
    check("follower follows author", call("POST", f"{API1}/api/v1/accounts/{author['id']}/follow", follower["token"]).status == 200)
    home(API1, follower)  # builds the home list
    posted = call("POST", API1 + "/api/v1/statuses", author["token"], {"status": "first version #before"})
    check("post", posted.status == 200 and posted.json.get("edited_at") is None, repr(posted))
    status_id = posted.json["id"]
    ok, seen, took = poll(lambda: (lambda s: (s is not None, s))(find(home(API1, follower), status_id)), 10)
    check("the status reaches the follower's home (read through api1, now cached)", ok and "first version" in seen["content"], f"{took:.2f}s")
    home(API2, follower)  # cached and rendered on api2 too
    stream = EventStream(API2 + "/api/v1/streaming/user", follower["token"])
    stream.start()
    stream.ready.wait(5)
    edited = call("PUT", f"{API1}/api/v1/statuses/{status_id}", author["token"], {"status": "second version #after", "spoiler_text": "cw"})
    check("PUT /api/v1/statuses/:id answers the edited status", edited.status == 200 and "second version" in edited.json.get("content", "")
          and edited.json.get("edited_at"), repr(edited))
    seen = find(home(API2, follower), status_id)
    check("the follower's home through api2 shows the new text at once", seen is not None and "second version" in seen["content"]
          and seen.get("edited_at") == edited.json.get("edited_at") and seen.get("spoiler_text") == "cw", repr(seen))
    print(f"  transcript: GET {API2}/api/v1/timelines/home -> content={seen and seen['content']!r} edited_at={seen and seen['edited_at']}")
    ok, _, took = poll(lambda: (any(e == "status.update" and json.loads(d).get("id") == status_id for e, d in stream.events), None), 5)
    check("the follower's user stream (on api2) gets status.update with the new version", ok and any(
        "second version" in json.loads(d).get("content", "") for e, d in stream.events if e == "status.update"), f"{took:.2f}s")
    seen1 = find(home(API1, follower), status_id)
    check("and so does api1", seen1 is not None and "second version" in seen1["content"], repr(seen1))
    tags = [t["name"] for t in (seen or {}).get("tags", [])]
    check("tags are derived again", tags == ["after"], repr(tags))
    call("PUT", f"{API2}/api/v1/statuses/{status_id}", author["token"], {"status": "third version"})
    history = call("GET", f"{API2}/api/v1/statuses/{status_id}/history", follower["token"])
    texts = [h["content"] for h in history.json or []]
    check("history lists every version, oldest first", history.status == 200 and len(texts) == 3 and "first version" in texts[0]
          and "second version" in texts[1] and "third version" in texts[2], repr(texts))
    source = call("GET", f"{API1}/api/v1/statuses/{status_id}/source", author["token"])
    check("source gives the plain text", source.status == 200 and source.json == {"id": status_id, "text": "third version", "spoiler_text": ""},
          repr(source))
    forbidden = call("PUT", f"{API1}/api/v1/statuses/{status_id}", stranger["token"], {"status": "hijack"})
    check("someone else's visible status: 403", forbidden.status == 403 and forbidden.json.get("error") == "This action is not allowed", repr(forbidden))
    private = call("POST", API1 + "/api/v1/statuses", author["token"], {"status": "followers only", "visibility": "private"}).json["id"]
    hidden = call("PUT", f"{API1}/api/v1/statuses/{private}", stranger["token"], {"status": "hijack"})
    check("a status the editor may not see: 404", hidden.status == 404, repr(hidden))
    too_long = call("PUT", f"{API1}/api/v1/statuses/{status_id}", author["token"], {"status": "x" * 100_00})
    check("the text limit holds for edits (422)", too_long.status == 422, repr(too_long))
    reblog = call("POST", f"{API1}/api/v1/statuses/{status_id}/reblog", follower["token"])
    check("follower reblogs it", reblog.status == 200, repr(reblog))
    reblog_edit = call("PUT", f"{API1}/api/v1/statuses/{reblog.json['id']}", follower["token"], {"status": "nope"})
    check("a reblog cannot be edited (422)", reblog_edit.status == 422, repr(reblog_edit))
    call("PUT", f"{API1}/api/v1/statuses/{status_id}", author["token"], {"status": "fourth version"})
    notes = call("GET", f"{API2}/api/v1/notifications?types[]=update", follower["token"])
    kinds = [(n["type"], n["status"]["id"]) for n in notes.json or []]
    check("the reblogger gets an `update` notification", ("update", status_id) in kinds, repr(notes))


@e2elib.scenario
def poll_from_two_nodes(app):
    section("polls: votes from both API nodes at once, totals exact")
    author = register(app, "pollster")
    voters = [register(app, f"v{n}") for n in range(16)]
    created = call("POST", API1 + "/api/v1/statuses", author["token"],
                   {"status": "which one?", "poll[options][]": ["red", "green", "blue"], "poll[expires_in]": "600"})
    check("a status with a poll", created.status == 200 and created.json.get("poll") and len(created.json["poll"]["options"]) == 3, repr(created))
    poll_id = created.json["poll"]["id"]
    status_id = created.json["id"]
    too_many = call("POST", API1 + "/api/v1/statuses", author["token"],
                    {"status": "too many", "poll[options][]": ["a", "b", "c", "d", "e"], "poll[expires_in]": "600"})
    check("more options than the instance allows: 422", too_many.status == 422, repr(too_many))
    too_soon = call("POST", API1 + "/api/v1/statuses", author["token"],
                    {"status": "too soon", "poll[options][]": ["a", "b"], "poll[expires_in]": "60"})
    check("expires_in below 300 s: 422", too_soon.status == 422, repr(too_soon))
    results = [None] * len(voters)

    def vote(index):
        node = API1 if index % 2 == 0 else API2
        results[index] = call("POST", f"{node}/api/v1/polls/{poll_id}/votes", voters[index]["token"], {"choices[]": [str(index % 3)]})

    threads = [threading.Thread(target=vote, args=(n,)) for n in range(len(voters))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    check("every concurrent vote accepted", all(r is not None and r.status == 200 for r in results), repr([r for r in results if r and r.status != 200][:3]))
    expected = [sum(1 for n in range(len(voters)) if n % 3 == k) for k in range(3)]
    for node in (API1, API2):
        got = call("GET", f"{node}/api/v1/polls/{poll_id}", author["token"]).json or {}
        counts = [o["votes_count"] for o in got.get("options", [])]
        check(f"totals exact through {node[-5:]}", counts == expected and got.get("votes_count") == len(voters), f"{counts} vs {expected}")
    print(f"  transcript: GET {API2}/api/v1/polls/{poll_id} -> {call('GET', f'{API2}/api/v1/polls/{poll_id}', voters[0]['token']).body[:200]!r}")
    mine = call("GET", f"{API2}/api/v1/statuses/{status_id}", voters[1]["token"]).json or {}
    check("the status shows the voter's own vote", (mine.get("poll") or {}).get("voted") is True and mine["poll"].get("own_votes") == [1],
          repr(mine.get("poll")))
    again = call("POST", f"{API1}/api/v1/polls/{poll_id}/votes", voters[0]["token"], {"choices[]": ["1"]})
    check("a second vote: 422", again.status == 422 and "already voted" in (again.json or {}).get("error", ""), repr(again))
    own = call("POST", f"{API2}/api/v1/polls/{poll_id}/votes", author["token"], {"choices[]": ["1"]})
    check("the author cannot vote: 422", own.status == 422, repr(own))
    late = register(app, "late")
    bad = call("POST", f"{API2}/api/v1/polls/{poll_id}/votes", late["token"], {"choices[]": ["7"]})
    check("a choice out of range: 422", bad.status == 422, repr(bad))
    two = call("POST", f"{API2}/api/v1/polls/{poll_id}/votes", late["token"], {"choices[]": ["0", "1"]})
    check("two choices on a single-choice poll: 422", two.status == 422, repr(two))
    missing = call("GET", f"{API1}/api/v1/polls/999999999", late["token"])
    check("an unknown poll: 404", missing.status == 404, repr(missing))
    reset = call("PUT", f"{API1}/api/v1/statuses/{status_id}", author["token"],
                 {"status": "which one, really?", "poll[options][]": ["red", "green"], "poll[expires_in]": "600"})
    counts = [o["votes_count"] for o in ((reset.json or {}).get("poll") or {}).get("options", [])]
    check("an edit that changes the options resets the votes", reset.status == 200 and counts == [0, 0], repr(reset))
    after = call("GET", f"{API2}/api/v1/statuses/{status_id}", voters[1]["token"]).json or {}
    check("and the voter's cached vote is gone", (after.get("poll") or {}).get("voted") is False, repr(after.get("poll")))


def main():
    app = app_token()
    edit_through_cached_home(app)
    poll_from_two_nodes(app)
    return e2elib.summary()


if __name__ == "__main__":
    sys.exit(main())
