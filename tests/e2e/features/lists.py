#!/usr/bin/env python3
"""Lists, bookmarks and pins through the cluster (python3 stdlib).

- A list timeline read through the *other* API node: a member's post appears (fanned out by the
  workers), a followed non-member's does not; paging Link header.
- A bookmark is visible to its owner only.
- A pinned status is listed with ?pinned=true and carries pinned=true for its author.

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
    return apiclient.app_token(BASE, "e2e lists")


def register(app, name):
    return apiclient.register(BASE, app, f"l{name}_{RUN}"[:30])


def ids(reply):
    return [s["id"] for s in (reply.json or [])] if reply.status == 200 else None


def post(user, text, **extra):
    reply = call("POST", BASE + "/api/v1/statuses", user["token"], {"status": text, **extra})
    assert reply.status == 200, f"post: {reply!r}"
    return reply.json["id"]


@e2elib.scenario
def list_timeline(app):
    section("lists: a list timeline read through the other API node")
    owner, member, other = register(app, "owner"), register(app, "member"), register(app, "other")
    for target in (member, other):
        check("owner follows " + target["name"], call("POST", f"{API1}/api/v1/accounts/{target['id']}/follow", owner["token"]).status == 200)
    created = call("POST", API1 + "/api/v1/lists", owner["token"], {"title": "e2e friends", "replies_policy": "list"})
    check("list created through api1", created.status == 200 and created.json.get("title") == "e2e friends", repr(created))
    list_id = created.json["id"]
    added = call("POST", f"{API1}/api/v1/lists/{list_id}/accounts", owner["token"], {"account_ids[]": member["id"]})
    check("member added", added.status == 200, repr(added))
    stranger = register(app, "stranger")
    refused = call("POST", f"{API1}/api/v1/lists/{list_id}/accounts", owner["token"], {"account_ids[]": stranger["id"]})
    check("an account the owner does not follow is refused (422)", refused.status == 422 and "Validation failed" in (refused.json or {}).get("error", ""),
          repr(refused))
    # The first read builds the list (served from PostgreSQL meanwhile).
    check("empty list timeline through api2", ids(call("GET", f"{API2}/api/v1/timelines/list/{list_id}", owner["token"])) == [])
    ok, _, _ = poll(lambda: (ids(call("GET", f"{API2}/api/v1/timelines/list/{list_id}", owner["token"])) == [], None), 5)
    by_member = post(member, "in the list")
    by_other = post(other, "followed, not in the list")
    ok, seen, took = poll(lambda: (lambda got: (got is not None and by_member in got, got))(
        ids(call("GET", f"{API2}/api/v1/timelines/list/{list_id}", owner["token"]))), 10)
    check("a member's post reaches the list timeline read through api2", ok, f"{took:.2f}s, {seen}")
    check("a followed non-member's post does not", by_other not in (seen or []), repr(seen))
    home = ids(call("GET", f"{API1}/api/v1/timelines/home", owner["token"])) or []
    check("the non-member's post is on the owner's home", poll(lambda: (by_other in (ids(call("GET", f"{API1}/api/v1/timelines/home", owner["token"])) or []), None), 10)[0],
          repr(home))
    second = post(member, "second in the list")
    poll(lambda: (second in (ids(call("GET", f"{API2}/api/v1/timelines/list/{list_id}", owner["token"])) or []), None), 10)
    page = call("GET", f"{API2}/api/v1/timelines/list/{list_id}?limit=1", owner["token"])
    link = page.headers.get("Link", "")
    check("list timeline pages with a Link header", ids(page) == [second] and f"max_id={second}" in link, f"{ids(page)} {link}")
    other_reader = call("GET", f"{API2}/api/v1/timelines/list/{list_id}", other["token"])
    check("someone else's list is 404", other_reader.status == 404, repr(other_reader))
    print(f"  transcript: GET {API2}/api/v1/timelines/list/{list_id} -> {ids(call('GET', f'{API2}/api/v1/timelines/list/{list_id}', owner['token']))}")


@e2elib.scenario
def bookmarks(app):
    section("bookmarks: visible to their owner only")
    author, reader, nosy = register(app, "bmauthor"), register(app, "bmreader"), register(app, "bmnosy")
    status = post(author, "worth keeping")
    marked = call("POST", f"{API1}/api/v1/statuses/{status}/bookmark", reader["token"])
    check("bookmark answers the status with bookmarked=true", marked.status == 200 and marked.json.get("bookmarked") is True, repr(marked))
    check("the owner lists it (through api2)", ids(call("GET", API2 + "/api/v1/bookmarks", reader["token"])) == [status])
    check("someone else does not see it", ids(call("GET", API2 + "/api/v1/bookmarks", nosy["token"])) == [])
    seen = call("GET", f"{API2}/api/v1/statuses/{status}", nosy["token"]).json or {}
    check("nor is it bookmarked for them", seen.get("bookmarked") is False, repr(seen.get("bookmarked")))
    private = post(author, "followers only", visibility="private")
    hidden = call("POST", f"{API1}/api/v1/statuses/{private}/bookmark", nosy["token"])
    check("a status the viewer may not see is 404", hidden.status == 404, repr(hidden))
    check("bookmarks need a token", call("GET", BASE + "/api/v1/bookmarks").status == 401)


@e2elib.scenario
def pins(app):
    section("pins: shown with pinned=true")
    author, viewer = register(app, "pinauthor"), register(app, "pinviewer")
    status = post(author, "pinned forever")
    post(author, "not pinned")
    pinned = call("POST", f"{API1}/api/v1/statuses/{status}/pin", author["token"])
    check("pin answers pinned=true", pinned.status == 200 and pinned.json.get("pinned") is True, repr(pinned))
    listed = call("GET", f"{API2}/api/v1/accounts/{author['id']}/statuses?pinned=true", viewer["token"])
    check("?pinned=true lists the pinned status only (through api2)", ids(listed) == [status], repr(listed))
    mine = call("GET", f"{API2}/api/v1/accounts/{author['id']}/statuses?pinned=true", author["token"]).json or [{}]
    check("its author sees pinned=true", mine[0].get("pinned") is True, repr(mine[:1]))
    private = post(author, "private", visibility="private")
    refused = call("POST", f"{API1}/api/v1/statuses/{private}/pin", author["token"])
    check("a private status cannot be pinned (422)", refused.status == 422, repr(refused))
    for n in range(4):
        call("POST", f"{API1}/api/v1/statuses/{post(author, f'pin {n}')}/pin", author["token"])
    full = call("POST", f"{API1}/api/v1/statuses/{post(author, 'sixth')}/pin", author["token"])
    check("a sixth pin is refused", full.status == 422 and "maximum number of toots" in (full.json or {}).get("error", ""), repr(full))


def main():
    app = app_token()
    list_timeline(app)
    bookmarks(app)
    pins(app)
    return e2elib.summary()


if __name__ == "__main__":
    sys.exit(main())
