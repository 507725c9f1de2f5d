#!/usr/bin/env python3
"""Media attachments through the cluster (python3; Pillow makes the test images, installed with pip if missing).

- A JPEG with EXIF (GPS position, camera make, orientation 6) uploaded through API node 1
  (POST /api/v2/media, processed by a worker); the status posted with it read through API node 2
  and from a follower's home; the file fetched by URL: image/jpeg, ETag, long Cache-Control, a
  range answers 206, no EXIF left (no GPS), the orientation applied (640x480 -> 480x640).
- Bad input: an HTML file named .png, a PNG declaring 100000x100000 pixels, a zero-byte file,
  five attachments, someone else's attachment: each a 422.
- Prints the upload-to-visible time (upload start until a follower's home shows the status).

Env: STARLING_URL (HAProxy), API1_URL, API2_URL, STARLING_CLUSTER_DIR.
"""

import io
import json
import os
import random
import string
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import apiclient  # noqa: E402
import e2elib  # noqa: E402
from apiclient import call  # noqa: E402
from e2elib import check, info, poll, section  # noqa: E402

BASE = os.environ["STARLING_URL"].rstrip("/")
API1 = os.environ.get("API1_URL", BASE).rstrip("/")
API2 = os.environ.get("API2_URL", BASE).rstrip("/")
RUN = "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(6))

try:
    from PIL import Image  # noqa: E402
except ImportError:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "pillow"], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    from PIL import Image  # noqa: E402


def upload(base, token, data, filename="photo.jpg", fields=None, path="/api/v2/media"):
    boundary = uuid.uuid4().hex
    body = b""
    for name, value in (fields or {}).items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
             f"Content-Type: image/jpeg\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return call("POST", base + path, token, body=body, content_type=f"multipart/form-data; boundary={boundary}")


def app_token():
    return apiclient.app_token(BASE, "e2e media")


def register(app, name):
    return apiclient.register(BASE, app, f"m{name}_{RUN}"[:30])


def photo_with_gps(width=640, height=480):
    """A JPEG with EXIF: Make, Orientation 6 (rotate 90° clockwise to view), GPS 52°30'N 13°24'E."""
    image = Image.new("RGB", (width, height))
    pixels = image.load()
    for y in range(height):
        for x in range(width):
            pixels[x, y] = (x * 255 // width, y * 255 // height, 128)
    exif = Image.Exif()
    exif[0x010F] = "StarlingCam"  # Make
    exif[0x0112] = 6  # Orientation
    exif[0x8825] = {1: "N", 2: (52.0, 30.0, 0.0), 3: "E", 4: (13.0, 24.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def exif_of(data):
    image = Image.open(io.BytesIO(data))
    return image, dict(image.getexif()), image.getexif().get_ifd(0x8825)


def main():
    section("media: upload with EXIF through API 1, read through API 2, file without metadata")
    app = app_token()
    author, reader, stranger = register(app, "auth"), register(app, "read"), register(app, "strg")
    check("reader follows author", call("POST", f"{BASE}/api/v1/accounts/{author['id']}/follow", reader["token"]).status == 200)
    call("GET", BASE + "/api/v1/timelines/home", reader["token"])  # an active home, so fan-out reaches it

    original = photo_with_gps()
    _, before, before_gps = exif_of(original)
    info(f"before: {len(original)} bytes, EXIF tags {sorted(before)}, GPS {before_gps}")
    check("the test photo carries GPS and orientation", bool(before_gps) and before.get(0x0112) == 6)

    started = time.monotonic()
    media = upload(API1, author["token"], original, fields={"description": "gradient", "focus": "0.1,0.2"})
    check("POST /api/v2/media through API 1 answers 200 or 202", media.status in (200, 202), repr(media))
    media_id = media.json["id"]

    def ready():
        reply = call("GET", f"{API2}/api/v1/media/{media_id}", author["token"])
        return reply.status == 200, reply
    ok, reply, _ = poll(ready, 20)
    check("the worker processed it (GET through API 2 answers 200)", ok, repr(reply))
    attachment = reply.json
    meta = attachment.get("meta", {})
    check("orientation applied: 640x480 with orientation 6 is 480x640",
          meta.get("original", {}).get("width") == 480 and meta.get("original", {}).get("height") == 640, json.dumps(meta))
    check("preview at most 640 px", max(meta.get("small", {}).get("width", 9999), meta.get("small", {}).get("height", 9999)) <= 640)
    check("blurhash present", isinstance(attachment.get("blurhash"), str) and len(attachment["blurhash"]) >= 6)
    check("description and focus kept", attachment.get("description") == "gradient" and meta.get("focus") == {"x": 0.1, "y": 0.2})

    posted = call("POST", API1 + "/api/v1/statuses", author["token"], form={"status": f"a photo {RUN}", "media_ids[]": [media_id]})
    check("status with media_ids[] posted", posted.status == 200, repr(posted))
    status_id = posted.json["id"]

    def in_home():
        home = call("GET", API2 + "/api/v1/timelines/home", reader["token"])
        found = [s for s in (home.json or []) if s.get("id") == status_id] if home.status == 200 else []
        return bool(found), found
    ok, found, _ = poll(in_home, 15, 0.05)
    visible_after = time.monotonic() - started
    check("the follower's home (API 2) shows the status with its attachment",
          ok and found and [m["id"] for m in found[0]["media_attachments"]] == [media_id], repr(found)[:300])
    info(f"upload-to-visible: {visible_after * 1000:.0f} ms (upload, processing, post, fan-out, home read)")
    through_api2 = call("GET", f"{API2}/api/v1/statuses/{status_id}", reader["token"])
    check("GET /api/v1/statuses/:id through API 2 carries the attachment",
          through_api2.status == 200 and through_api2.json["media_attachments"][0]["url"] == attachment["url"])

    url = attachment["url"]
    path = urllib.parse.urlparse(url).path
    file = call("GET", API2 + path)
    check("file served by API 2: 200 image/jpeg", file.status == 200 and file.headers.get("Content-Type") == "image/jpeg", repr(file.headers))
    check("ETag and a year of Cache-Control", bool(file.headers.get("ETag")) and "max-age=31536000" in file.headers.get("Cache-Control", ""))
    image, after, after_gps = exif_of(file.body)
    info(f"after: {len(file.body)} bytes, {image.size[0]}x{image.size[1]}, EXIF tags {sorted(after)}, GPS {dict(after_gps)}")
    check("no EXIF and no GPS left in the stored file", not after and not after_gps and b"StarlingCam" not in file.body)
    check("stored pixels oriented (480x640)", image.size == (480, 640))
    ranged = call("GET", API1 + path, headers={"Range": "bytes=0-99"})
    check("a range answers 206 with 100 bytes", ranged.status == 206 and len(ranged.body) == 100, repr(ranged.headers))
    same = call("GET", BASE + path, headers={"If-None-Match": file.headers.get("ETag", "")})
    check("If-None-Match answers 304", same.status == 304)
    preview = call("GET", API1 + urllib.parse.urlparse(attachment["preview_url"]).path)
    check("preview served, no EXIF", preview.status == 200 and not exif_of(preview.body)[1])

    section("media: bad input")
    cases = [
        ("HTML named .png", b"<!DOCTYPE html><html><body>hello</body></html>", "evil.png"),
        ("SVG named .png", b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>', "evil.png"),
        ("PNG declaring 100000x100000", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + struct.pack(">II", 100000, 100000) + b"\x08\x02\x00\x00\x00" + b"\x00" * 64, "bomb.png"),
        ("zero bytes", b"", "empty.jpg"),
        ("truncated JPEG", original[: len(original) // 3], "cut.jpg"),
    ]
    for name, data, filename in cases:
        reply = upload(API1, author["token"], data, filename=filename, path="/api/v1/media")
        check(f"{name}: 422 with a message", reply.status == 422 and "error" in (reply.json or {}), repr(reply))
    ids = []
    for i in range(5):
        small = io.BytesIO()
        Image.new("RGB", (32, 24), (i * 40, 0, 0)).save(small, "PNG")
        reply = upload(API1, author["token"], small.getvalue(), filename="s.png", path="/api/v1/media")
        ids.append(reply.json["id"] if reply.status == 200 else "0")
    five = call("POST", API2 + "/api/v1/statuses", author["token"], form={"status": "five", "media_ids[]": ids})
    check("five attachments: 422", five.status == 422, repr(five))
    theirs = call("POST", API2 + "/api/v1/statuses", stranger["token"], form={"status": "not mine", "media_ids[]": [ids[0]]})
    check("someone else's attachment: 422", theirs.status == 422, repr(theirs))
    again = call("POST", API2 + "/api/v1/statuses", author["token"], form={"status": "again", "media_ids[]": [media_id]})
    check("an attached one again: 422", again.status == 422, repr(again))
    return e2elib.summary([f"upload-to-visible {visible_after * 1000:.0f} ms"])


if __name__ == "__main__":
    sys.exit(main())
