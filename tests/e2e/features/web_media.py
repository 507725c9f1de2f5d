#!/usr/bin/env python3
"""Pictures, polls, lists and edits in the web client and on the public pages, in headless Chromium.

A person signs in, attaches a picture made by Pillow from the compose box (with a description),
is told in words when a file is not a picture, posts, and sees the picture load on the home
timeline; a sensitive picture stays hidden until asked. They vote in a poll posted through the
API, post a poll of their own, make a list, add someone they follow to it from the profile, open
the list's timeline, rename and delete a list, and edit a post (the "edited" marker; another
person's edit arrives through the stream). Signed out, the status page has og:image and the
picture; feedparser finds the enclosure in the RSS. Screenshots go to $SCREENSHOT_DIR.

Prints PASS/FAIL lines; exits non-zero on a failure.
"""

import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import apiclient  # noqa: E402
from apiclient import call  # noqa: E402
from e2elib import check, info, section, summary, wait_for  # noqa: E402

BASE = os.environ.get("STARLING_URL", "http://127.0.0.1:8080").rstrip("/")
SHOTS = os.environ.get("SCREENSHOT_DIR", "screenshots")
RUN = secrets.token_hex(3)


def ensure(module, package):
    try:
        __import__(module)
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


ensure("feedparser", "feedparser")
ensure("selenium", "selenium>=4.10")
ensure("PIL", "pillow")
import feedparser  # noqa: E402
from PIL import Image  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402


def picture(path, width, height, colour):
    """A gradient picture (so the encoder has something to keep), written to `path`."""
    image = Image.new("RGB", (width, height))
    pixels = image.load()
    for y in range(height):
        for x in range(width):
            pixels[x, y] = (colour[0] * x // width, colour[1] * y // height, colour[2])
    image.save(path)
    return path


def upload(token, path, description=""):
    """Through the API: the synchronous upload, for the statuses other people post."""
    boundary = uuid.uuid4().hex
    with open(path, "rb") as file:
        data = file.read()
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\n{description}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{os.path.basename(path)}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return call("POST", BASE + "/api/v1/media", token, body=body, content_type=f"multipart/form-data; boundary={boundary}")


def shot(driver, name):
    path = os.path.join(SHOTS, f"web2-{name}.png")
    driver.save_screenshot(path)
    info(f"screenshot {path}")


def press(driver, element):
    """Clicks an element after scrolling it to the middle (the sticky header would take a click at the top)."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def loaded(driver, image):
    return driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", image)


def main():
    os.makedirs(SHOTS, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="web2-")
    section("web pictures: setup through the API")
    app = apiclient.app_token(BASE, "web media e2e")
    me = apiclient.register(BASE, app, f"wm_me_{RUN}")
    bob = apiclient.register(BASE, app, f"wm_bob_{RUN}")
    check("I follow bob", call("POST", BASE + f"/api/v1/accounts/{bob['id']}/follow", me["token"]).status == 200)
    poll_post = call("POST", BASE + "/api/v1/statuses", bob["token"], form={
        "status": f"Tea or coffee? {RUN}", "poll[options][]": ["Tea", "Coffee", "Water"], "poll[expires_in]": "3600"})
    check("bob posts a poll", poll_post.status == 200, repr(poll_post))
    hidden_poll = call("POST", BASE + "/api/v1/statuses", bob["token"], form={
        "status": f"Secret ballot {RUN}", "poll[options][]": ["Yes", "No"], "poll[expires_in]": "3600", "poll[multiple]": "true",
        "poll[hide_totals]": "true"})
    check("bob posts a multiple-choice poll with hidden totals", hidden_poll.status == 200, repr(hidden_poll))
    bob_picture = upload(bob["token"], picture(os.path.join(tmp, "bob.png"), 300, 200, (255, 40, 40)), "a red gradient")
    sensitive_post = call("POST", BASE + "/api/v1/statuses", bob["token"], form={
        "status": f"Spoilers ahead {RUN}", "sensitive": "true", "media_ids[]": [bob_picture.json["id"]]})
    check("bob posts a sensitive picture", sensitive_post.status == 200, repr(sensitive_post))
    trio = [upload(bob["token"], picture(os.path.join(tmp, f"trio{n}.png"), 400, 300, colour), f"picture {n}").json["id"]
            for n, colour in enumerate([(255, 200, 0), (0, 200, 255), (200, 0, 255)])]
    three = call("POST", BASE + "/api/v1/statuses", bob["token"], form={"status": f"Three pictures {RUN}", "media_ids[]": trio})
    check("bob posts three pictures", three.status == 200, repr(three))
    to_edit = call("POST", BASE + "/api/v1/statuses", bob["token"], form={"status": f"Bob before the edit {RUN}"}).json
    time.sleep(1)  # fan-out

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1100,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.set_page_load_timeout(20)
    first_post = None
    try:
        driver.get(BASE + "/auth/sign_in?return_to=%2F")
        driver.find_element(By.ID, "login").send_keys(me["name"])
        driver.find_element(By.ID, "password").send_keys(apiclient.PASSWORD)
        driver.find_element(By.ID, "sign-in").click()
        check("signed in, the app's home opens", wait_for(lambda: driver.find_element(By.ID, "page-heading").text == "Home"), driver.current_url)
        wait_for(lambda: driver.find_element(By.CSS_SELECTOR, ".timeline article.status"))

        section("web pictures: upload from the compose box")
        files = driver.find_element(By.CSS_SELECTOR, "form.compose input[type=file]")
        check("the compose box has an 'Add pictures' file input for images", files.get_attribute("accept") == "image/*" and
              driver.find_element(By.CSS_SELECTOR, f"label[for='{files.get_attribute('id')}']").text == "Add pictures")
        not_picture = os.path.join(tmp, "notes.png")
        with open(not_picture, "w") as file:
            file.write("this is text, not a picture\n")
        files.send_keys(not_picture)
        error = wait_for(lambda: "not a picture" in driver.find_element(By.CSS_SELECTOR, "form.compose .compose-message").text)
        live_region = driver.find_element(By.CSS_SELECTOR, "form.compose .compose-message").get_attribute("aria-live")
        check("a file that is not a picture is refused, in words, in a live region", error and live_region == "polite",
              driver.find_element(By.CSS_SELECTOR, "form.compose .compose-message").text)
        check("the refused file is not listed", not driver.find_elements(By.CSS_SELECTOR, "form.compose .attachment"))
        files = driver.find_element(By.CSS_SELECTOR, "form.compose input[type=file]")
        files.send_keys(picture(os.path.join(tmp, "sky.png"), 640, 480, (80, 160, 255)) + "\n" +
                        picture(os.path.join(tmp, "grass.jpg"), 480, 640, (60, 255, 90)))
        thumbs = wait_for(lambda: len(driver.find_elements(By.CSS_SELECTOR, "form.compose .attachment .thumb img")) == 2, timeout=30)
        check("both pictures upload (202, then polled) and show as thumbnails", thumbs,
              driver.find_element(By.CSS_SELECTOR, "form.compose").text[:300])
        descriptions = driver.find_elements(By.CSS_SELECTOR, "form.compose .attachment input[type=text]")
        labels = [driver.find_element(By.CSS_SELECTOR, f"label[for='{d.get_attribute('id')}']").text for d in descriptions]
        check("each picture has a labelled description field", labels == ["Description (alt text) of picture 1", "Description (alt text) of picture 2"], str(labels))
        descriptions[0].send_keys("A blue sky gradient")
        descriptions[1].send_keys("Green grass")
        driver.find_element(By.CSS_SELECTOR, "form.compose textarea").send_keys(f"Two pictures from the web {RUN}")
        shot(driver, "1-compose-pictures")
        press(driver, driver.find_elements(By.CSS_SELECTOR, "form.compose .attachment button.remove")[1])
        check("'Remove' takes a picture out", wait_for(lambda: len(driver.find_elements(By.CSS_SELECTOR, "form.compose .attachment")) == 1))
        press(driver, driver.find_element(By.CSS_SELECTOR, "form.compose button.post"))
        posted = wait_for(lambda: f"Two pictures from the web {RUN}" in driver.find_element(By.CSS_SELECTOR, ".timeline").text)
        check("the post appears on the home timeline", posted)
        statuses = call("GET", BASE + f"/api/v1/accounts/{me['id']}/statuses", me["token"]).json
        first_post = next((s for s in statuses if RUN in s["content"] and s["media_attachments"]), None)
        check("the post is stored with one picture and its description", first_post is not None and len(first_post["media_attachments"]) == 1 and
              first_post["media_attachments"][0]["description"] == "A blue sky gradient", str(statuses)[:300])
        selector = f".timeline article[data-id='{first_post['id']}'] .media img" if first_post else ".none"
        check("the picture loads on the home timeline (naturalWidth > 0)", wait_for(lambda: loaded(driver, driver.find_element(By.CSS_SELECTOR, selector))))
        image = driver.find_element(By.CSS_SELECTOR, selector)
        check("the picture's alt is its description, linking to the full size", image.get_attribute("alt") == "A blue sky gradient" and
              driver.find_element(By.CSS_SELECTOR, selector.replace(" img", " a")).get_attribute("href") == first_post["media_attachments"][0]["url"])

        grid = f".timeline article[data-id='{three.json['id']}'] .media"
        check("three pictures show in a grid, all loaded, alt texts in order",
              wait_for(lambda: all(loaded(driver, i) for i in driver.find_elements(By.CSS_SELECTOR, grid + " img")) and
                       [i.get_attribute("alt") for i in driver.find_elements(By.CSS_SELECTOR, grid + " img")] == ["picture 0", "picture 1", "picture 2"]) and
              "media-3" in driver.find_element(By.CSS_SELECTOR, grid).get_attribute("class"))
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", driver.find_element(By.CSS_SELECTOR, grid))
        shot(driver, "2-home-grid")

        section("web pictures: sensitive media")
        sensitive = f".timeline article[data-id='{sensitive_post.json['id']}']"
        check("a sensitive picture is hidden behind a button", wait_for(lambda: not driver.find_element(By.CSS_SELECTOR, sensitive + " .media").is_displayed()))
        press(driver, driver.find_element(By.CSS_SELECTOR, sensitive + " button.show-sensitive"))
        check("'Show sensitive media' shows it, and it loads", wait_for(lambda: loaded(driver, driver.find_element(By.CSS_SELECTOR, sensitive + " .media img"))) and
              driver.find_element(By.CSS_SELECTOR, sensitive + " button.show-sensitive").get_attribute("aria-expanded") == "true")
        shot(driver, "2-home-pictures")

        section("web polls")
        poll_article = f".timeline article[data-id='{poll_post.json['id']}']"
        driver.find_element(By.CSS_SELECTOR, poll_article).location_once_scrolled_into_view
        radios = driver.find_elements(By.CSS_SELECTOR, poll_article + " .poll input[type=radio]")
        check("bob's poll offers its three options as radio buttons", len(radios) == 3)
        press(driver, driver.find_element(By.CSS_SELECTOR, poll_article + f" label[for='{radios[1].get_attribute('id')}']"))
        press(driver, driver.find_element(By.CSS_SELECTOR, poll_article + " button.vote"))
        check("after voting the results show (100% for Coffee, my choice marked)",
              wait_for(lambda: "Coffee 100%" in driver.find_element(By.CSS_SELECTOR, poll_article + " .poll").text and
                       "your choice" in driver.find_element(By.CSS_SELECTOR, poll_article + " .poll").text),
              driver.find_element(By.CSS_SELECTOR, poll_article + " .poll").text)
        stored = call("GET", BASE + f"/api/v1/polls/{poll_post.json['poll']['id']}", me["token"]).json
        check("the vote is stored", stored.get("voted") is True and stored.get("own_votes") == [1], str(stored))
        secret = f".timeline article[data-id='{hidden_poll.json['id']}'] .poll"
        boxes = driver.find_elements(By.CSS_SELECTOR, secret + " input[type=checkbox]")
        check("a multiple-choice poll offers checkboxes", len(boxes) == 2)
        for box in boxes:
            press(driver, driver.find_element(By.CSS_SELECTOR, secret + f" label[for='{box.get_attribute('id')}']"))
        press(driver, driver.find_element(By.CSS_SELECTOR, secret + " button.vote"))
        check("with hidden totals, voting shows my choices but no shares until it closes",
              wait_for(lambda: "Results are shown when the poll closes." in driver.find_element(By.CSS_SELECTOR, secret).text) and
              "%" not in driver.find_element(By.CSS_SELECTOR, secret).text and
              driver.find_element(By.CSS_SELECTOR, secret).text.count("your choice") == 2, driver.find_element(By.CSS_SELECTOR, secret).text)
        shot(driver, "3-poll")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        shot(driver, "3c-poll-dark")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
        press(driver, driver.find_element(By.CSS_SELECTOR, "form.compose button.add-poll"))
        option_inputs = driver.find_elements(By.CSS_SELECTOR, "form.compose .poll-options input")
        check("'Add a poll' opens two option fields", len(option_inputs) == 2)
        press(driver, driver.find_element(By.CSS_SELECTOR, "form.compose button.add-option"))
        option_inputs = driver.find_elements(By.CSS_SELECTOR, "form.compose .poll-options input")
        for field, text in zip(option_inputs, ["Cats", "Dogs", "Both"]):
            field.send_keys(text)
        press(driver, driver.find_element(By.CSS_SELECTOR, "form.compose input[id$='-multiple']"))
        check("with a poll, pictures cannot be added", not driver.find_element(By.CSS_SELECTOR, "form.compose input[type=file]").is_enabled())
        driver.find_element(By.CSS_SELECTOR, "form.compose textarea").send_keys(f"Which pets? {RUN}")
        shot(driver, "4-compose-poll")
        press(driver, driver.find_element(By.CSS_SELECTOR, "form.compose button.post"))
        check("my poll appears on the home timeline", wait_for(lambda: f"Which pets? {RUN}" in driver.find_element(By.CSS_SELECTOR, ".timeline").text))
        statuses = call("GET", BASE + f"/api/v1/accounts/{me['id']}/statuses", me["token"]).json
        mine = next((s for s in statuses if s.get("poll")), None)
        check("it is stored as a multiple-choice poll of three options", mine is not None and mine["poll"]["multiple"] is True and
              [o["title"] for o in mine["poll"]["options"]] == ["Cats", "Dogs", "Both"], str(mine)[:300])

        section("web edits")
        own = f".timeline article[data-id='{first_post['id']}']"
        press(driver, driver.find_element(By.CSS_SELECTOR, own + " button.edit"))
        edit_box = wait_for(lambda: driver.find_element(By.CSS_SELECTOR, own + " form.edit textarea").get_attribute("value") == f"Two pictures from the web {RUN}")
        check("'Edit' opens my post's text", edit_box)
        field = driver.find_element(By.CSS_SELECTOR, own + " form.edit textarea")
        field.clear()
        field.send_keys(f"One picture from the web, edited {RUN}")
        press(driver, driver.find_element(By.CSS_SELECTOR, own + " form.edit button[type=submit]"))
        check("the edit replaces the post in place, marked 'edited', picture kept",
              wait_for(lambda: "edited" in driver.find_element(By.CSS_SELECTOR, own + " .edited").text and
                       f"One picture from the web, edited {RUN}" in driver.find_element(By.CSS_SELECTOR, own + " .content").text and
                       len(driver.find_elements(By.CSS_SELECTOR, own + " .media img")) == 1))
        press(driver, driver.find_element(By.CSS_SELECTOR, own + " button.edited"))
        check("'edited' shows both versions, oldest first", wait_for(lambda: [
            li.find_element(By.CSS_SELECTOR, ".content").text for li in driver.find_elements(By.CSS_SELECTOR, own + " .history li")] ==
            [f"Two pictures from the web {RUN}", f"One picture from the web, edited {RUN}"]))
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", driver.find_element(By.CSS_SELECTOR, own + " .history"))
        shot(driver, "3b-edit-history")
        fetched = call("GET", BASE + f"/api/v1/statuses/{first_post['id']}", me["token"]).json
        check("the edit is stored", "edited" in fetched["content"] and fetched.get("edited_at"), str(fetched)[:200])
        check("the stream is open", wait_for(lambda: driver.execute_script("return document.body.dataset.stream") == "open"))
        edited = call("PUT", BASE + f"/api/v1/statuses/{to_edit['id']}", bob["token"], form={"status": f"Bob after the edit {RUN}"})
        check("bob edits his post through the API", edited.status == 200, repr(edited))
        bob_article = f".timeline article[data-id='{to_edit['id']}']"
        check("bob's edit arrives through the stream (status.update) and replaces his post",
              wait_for(lambda: f"Bob after the edit {RUN}" in driver.find_element(By.CSS_SELECTOR, bob_article).text and
                       driver.find_elements(By.CSS_SELECTOR, bob_article + " .edited")))

        section("web pictures at 375 px")
        driver.set_window_size(375, 812)
        driver.get(BASE + "/#/home")
        wait_for(lambda: loaded(driver, driver.find_element(By.CSS_SELECTOR, selector)))
        width = driver.execute_script("return document.documentElement.scrollWidth")
        check("at 375 px the home with pictures is no wider than the screen", loaded(driver, driver.find_element(By.CSS_SELECTOR, selector)) and width <= 375,
              f"scrollWidth {width}")
        shot(driver, "7-phone-home")
        # Keyboard: Tab from the text reaches the (visually hidden) file input, and its button-like label shows the focus.
        driver.find_element(By.CSS_SELECTOR, "form.compose textarea").click()
        ActionChains(driver).send_keys(Keys.TAB).perform()
        focused = driver.execute_script("return document.activeElement.type === 'file' && "
                                        "getComputedStyle(document.activeElement.nextElementSibling).outlineStyle")
        check("Tab from the text reaches 'Add pictures', and its focus is visible", focused == "solid", str(focused))
        driver.find_element(By.CSS_SELECTOR, "form.compose input[type=file]").send_keys(picture(os.path.join(tmp, "phone.png"), 500, 500, (255, 120, 0)))
        thumb = wait_for(lambda: driver.find_element(By.CSS_SELECTOR, "form.compose .attachment .thumb img"), timeout=30)
        width = driver.execute_script("return document.documentElement.scrollWidth")
        check("at 375 px the compose box with a picture fits", thumb and width <= 375, f"scrollWidth {width}")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", driver.find_element(By.CSS_SELECTOR, "form.compose .attachment"))
        shot(driver, "8a-phone-compose-picture")
        press(driver, driver.find_element(By.CSS_SELECTOR, "form.compose .attachment button.remove"))
        wait_for(lambda: not driver.find_elements(By.CSS_SELECTOR, "form.compose .attachment"))
        press(driver, driver.find_element(By.CSS_SELECTOR, "form.compose button.add-poll"))
        driver.find_element(By.CSS_SELECTOR, "form.compose").location_once_scrolled_into_view
        width = driver.execute_script("return document.documentElement.scrollWidth")
        check("at 375 px the compose box with a poll fits", width <= 375, f"scrollWidth {width}")
        shot(driver, "8-phone-compose-poll")
        driver.set_window_size(1100, 1000)

        section("web lists")
        driver.get(BASE + f"/#/@{bob['name']}")
        check("with no lists yet, bob's profile (followed) offers to make one",
              wait_for(lambda: driver.find_element(By.CSS_SELECTOR, ".list-membership a[href='#/lists']").text == "Make a list"))
        driver.get(BASE + "/#/lists")
        check("'Lists' is in the navigation and opens the lists page", wait_for(lambda: driver.find_element(By.ID, "page-heading").text == "Lists" and
                                                                             driver.find_element(By.CSS_SELECTOR, "[data-nav='lists']").get_attribute("aria-current") == "page"))
        for title in ("Friends", "Temporary"):
            driver.find_element(By.ID, "new-list-title").send_keys(title)
            press(driver, driver.find_element(By.ID, "create-list"))
            wait_for(lambda: title in driver.find_element(By.CSS_SELECTOR, ".lists").text)
        lists = call("GET", BASE + "/api/v1/lists", me["token"]).json
        check("two lists are created", sorted(l["title"] for l in lists) == ["Friends", "Temporary"], str(lists))
        temporary = next(l for l in lists if l["title"] == "Temporary")
        row = f".list-row[data-list-id='{temporary['id']}']"
        press(driver, driver.find_element(By.CSS_SELECTOR, row + " button[aria-label^='Rename']"))
        field = driver.find_element(By.ID, f"rename-{temporary['id']}")
        field.clear()
        field.send_keys("Renamed")
        field.submit()
        check("a list is renamed in place", wait_for(lambda: driver.find_element(By.CSS_SELECTOR, row + " a").text == "Renamed"))
        check("the new name is stored", call("GET", BASE + f"/api/v1/lists/{temporary['id']}", me["token"]).json.get("title") == "Renamed")
        shot(driver, "5-lists")
        driver.execute_script("window.confirm = () => true")
        press(driver, driver.find_element(By.CSS_SELECTOR, row + " button[aria-label^='Delete']"))
        check("a list is deleted", wait_for(lambda: not driver.find_elements(By.CSS_SELECTOR, row)) and
              call("GET", BASE + f"/api/v1/lists/{temporary['id']}", me["token"]).status == 404)
        friends = next(l for l in lists if l["title"] == "Friends")
        driver.get(BASE + f"/#/@{bob['name']}")
        toggle = f".list-membership button[data-list-id='{friends['id']}']"
        check("on bob's profile (followed): 'Add to Friends'", wait_for(lambda: driver.find_element(By.CSS_SELECTOR, toggle).text == "Add to Friends"))
        press(driver, driver.find_element(By.CSS_SELECTOR, toggle))
        check("it turns into 'Remove from Friends'", wait_for(lambda: driver.find_element(By.CSS_SELECTOR, toggle).text == "Remove from Friends"))
        members = call("GET", BASE + f"/api/v1/lists/{friends['id']}/accounts", me["token"]).json
        check("bob is in the list", [a["id"] for a in members] == [bob["id"]], str(members))
        shot(driver, "6-profile-lists")
        listed = f"Bob in the list {RUN}"
        for n in range(21):  # more than a page
            call("POST", BASE + "/api/v1/statuses", bob["token"], form={"status": f"Bob's filler {n} {RUN}"})
        call("POST", BASE + "/api/v1/statuses", bob["token"], form={"status": listed})
        time.sleep(2)  # fan-out
        driver.get(BASE + f"/#/lists/{friends['id']}")
        check("the list's timeline opens with bob's new post", wait_for(lambda: listed in driver.find_element(By.CSS_SELECTOR, ".timeline").text) and
              driver.find_element(By.ID, "page-heading").text == "Friends")
        check("the list page names its members", wait_for(lambda: bob["name"] in driver.find_element(By.CSS_SELECTOR, ".members:not(.list-settings)").get_attribute("textContent")))
        press(driver, driver.find_element(By.CSS_SELECTOR, ".list-settings summary"))
        Select(driver.find_element(By.ID, "list-replies")).select_by_value("none")
        press(driver, driver.find_element(By.ID, "list-exclusive"))
        check("the list's settings save as they change (replies: none, exclusive)",
              wait_for(lambda: call("GET", BASE + f"/api/v1/lists/{friends['id']}", me["token"]).json.get("exclusive") is True) and
              call("GET", BASE + f"/api/v1/lists/{friends['id']}", me["token"]).json.get("replies_policy") == "none")
        shot(driver, "6b-list-timeline")
        first_page = wait_for(lambda: len(driver.find_elements(By.CSS_SELECTOR, ".timeline article.status")) == 20)
        press(driver, driver.find_element(By.CSS_SELECTOR, "button.load-more"))
        check("the list's timeline shows 20 posts, and 'Load more' pages on", first_page and
              wait_for(lambda: f"Bob's filler 0 {RUN}" in driver.find_element(By.CSS_SELECTOR, ".timeline").text),
              f"{len(driver.find_elements(By.CSS_SELECTOR, '.timeline article.status'))} posts")

        section("public pages with pictures, signed out")
        driver.delete_all_cookies()
        driver.get(BASE + f"/@{me['name']}/{first_post['id']}")
        og = driver.find_elements(By.CSS_SELECTOR, 'meta[property="og:image"]')
        url = first_post["media_attachments"][0]["url"]
        check("the public status page has og:image, the first picture", bool(og) and og[0].get_attribute("content") == url,
              og[0].get_attribute("content") if og else "none")
        check("the public status page shows the picture, and it loads",
              wait_for(lambda: loaded(driver, driver.find_element(By.CSS_SELECTOR, "article.focused .media img"))))
        shot(driver, "9-public-status")
        driver.get(BASE + f"/@{bob['name']}/{sensitive_post.json['id']}")
        check("bob's sensitive picture stays behind a closed 'details' on its public page",
              driver.find_elements(By.CSS_SELECTOR, "details.sensitive") and not driver.find_element(By.CSS_SELECTOR, "details.sensitive img").is_displayed())
        driver.get(BASE + f"/@{bob['name']}/{poll_post.json['id']}")
        check("bob's poll shows on its public page, with my vote counted", "Coffee 100% (1 vote)" in driver.find_element(By.TAG_NAME, "main").text)
        driver.get(BASE + f"/@{bob['name']}/{three.json['id']}")
        check("bob's three pictures show on their public page", len(driver.find_elements(By.CSS_SELECTOR, ".media-3 img")) == 3)
        driver.set_window_size(375, 812)
        driver.get(BASE + f"/@{me['name']}")
        width = driver.execute_script("return document.documentElement.scrollWidth")
        check("my public profile with a picture and a poll fits 375 px", width <= 375, f"scrollWidth {width}")
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", driver.find_element(By.CSS_SELECTOR, ".poll"))
        shot(driver, "10-phone-public-profile")
        driver.set_window_size(1100, 1000)
    finally:
        driver.quit()

    section("feeds with pictures")
    reply = call("GET", BASE + f"/@{me['name']}.rss")
    feed = feedparser.parse(reply.body)
    check("feedparser reads the feed cleanly", reply.status == 200 and not feed.bozo, str(feed.get("bozo_exception")))
    entry = next((e for e in feed.entries if first_post and e.link.endswith("/" + first_post["id"])), None)
    enclosures = entry.get("enclosures", []) if entry else []
    picture_file = call("GET", first_post["media_attachments"][0]["url"]) if first_post else None
    check("the picture post's item has the picture as its enclosure (url, type, length)",
          len(enclosures) == 1 and enclosures[0].get("href") == first_post["media_attachments"][0]["url"] and
          enclosures[0].get("type", "").startswith("image/") and picture_file and enclosures[0].get("length") == str(len(picture_file.body)),
          str(enclosures))
    check("and as media:content", entry is not None and any(m.get("url") == first_post["media_attachments"][0]["url"] for m in entry.get("media_content", [])))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
