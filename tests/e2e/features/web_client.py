#!/usr/bin/env python3
"""The web client and the public pages, as a person uses them, in headless Chromium.

A real browser signs up through the form, signs out and in again, posts from the compose box
(the counter counting as the server does), follows an account from its profile, sees that
account's new post (made through the API from here) arrive on the home timeline without a
reload, opens a status page, and, signed out, a public profile. feedparser reads both feeds.
Screenshots (landing, home, compose, profile, status page, phone width) go to $SCREENSHOT_DIR.

Prints PASS/FAIL lines; exits non-zero on a failure.
"""

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import e2elib  # noqa: E402
from e2elib import check, info, section, summary, wait_for  # noqa: E402

BASE = os.environ.get("STARLING_URL", "http://127.0.0.1:8080").rstrip("/")
SHOTS = os.environ.get("SCREENSHOT_DIR", "screenshots")


def ensure(module, package):
    try:
        __import__(module)
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=False)


ensure("feedparser", "feedparser")
ensure("selenium", "selenium>=4.10")
import feedparser  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402


def api(method, path, form=None, token=None):
    data = urllib.parse.urlencode(form, doseq=True).encode() if form is not None else None
    request = urllib.request.Request(BASE + path, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            body, status, headers = response.read(), response.status, response.headers
    except urllib.error.HTTPError as error:
        body, status, headers = error.read(), error.code, error.headers
    try:
        return status, json.loads(body), headers
    except ValueError:
        return status, body, headers


def register(app_token, prefix):
    name = f"{prefix}_{secrets.token_hex(3)}"
    status, body, _ = api("POST", "/api/v1/accounts", {"username": name, "email": f"{name}@example.com",
                                                       "password": "correct horse battery", "agreement": "true"}, app_token)
    if status != 200:
        raise RuntimeError(f"registration of {name}: {status} {body}")
    token = body["access_token"]
    me = api("GET", "/api/v1/accounts/verify_credentials", token=token)[1]
    return {"username": name, "token": token, "id": me["id"]}


def shot(driver, name):
    path = os.path.join(SHOTS, f"web-{name}.png")
    driver.save_screenshot(path)
    info(f"screenshot {path}")


def main():
    os.makedirs(SHOTS, exist_ok=True)
    section("web client: setup through the API")
    _, app, _ = api("POST", "/api/v1/apps", {"client_name": "web e2e", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write follow"})
    _, token, _ = api("POST", "/oauth/token", {"grant_type": "client_credentials", "client_id": app["client_id"], "client_secret": app["client_secret"]})
    app_token = token["access_token"]
    bob = register(app_token, "webbob")
    tag = f"webtag{secrets.token_hex(3)}"
    status, bob_first, _ = api("POST", "/api/v1/statuses", {"status": f"Hello from Bob <b>not bold</b> #{tag}"}, bob["token"])
    check("bob posts through the API", status == 200, str(status))

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1100,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.set_page_load_timeout(20)
    try:
        section("web client: sign up, sign out, sign in")
        driver.get(BASE + "/")
        check("signed out, / is a landing page with sign-up and sign-in", driver.find_elements(By.ID, "sign-up") and driver.find_elements(By.ID, "sign-in"))
        shot(driver, "1-landing")
        driver.find_element(By.ID, "sign-up").click()
        me = f"webme_{secrets.token_hex(3)}"
        password = "correct horse battery"
        driver.find_element(By.ID, "username").send_keys(me)
        driver.find_element(By.ID, "email").send_keys(f"{me}@example.com")
        driver.find_element(By.ID, "password").send_keys(password)
        driver.find_element(By.ID, "agreement").click()
        driver.find_element(By.ID, "create-account").click()
        check("signing up opens the app", wait_for(lambda: driver.find_element(By.ID, "page-heading").text == "Home"), driver.current_url)
        check("the session has a cookie", driver.get_cookie("starling_session") is not None)
        driver.find_element(By.ID, "sign-out").click()
        check("signing out leaves the app", wait_for(lambda: "/auth/sign_in" in driver.current_url), driver.current_url)
        driver.get(BASE + "/")
        check("after sign-out / is the landing page again", bool(driver.find_elements(By.ID, "sign-up")))
        driver.find_element(By.ID, "sign-in").click()
        driver.find_element(By.ID, "login").send_keys(me)
        driver.find_element(By.ID, "password").send_keys(password)
        driver.find_element(By.ID, "sign-in").click()
        check("signing in opens the app's home", wait_for(lambda: driver.find_element(By.ID, "page-heading").text == "Home"), driver.current_url)

        section("web client: compose")
        cases = {"hello": 5, "see https://example.com/a/very/long/path/that/is/long now": 31, "@user@example.org": 5,
                 "hi @user@example.org bye": 12, "https://": 8, "(https://example.com/x": 24, "@@example.org": 13, "e\u0301\u0301 🐦‍⬛": 3}
        counted = {text: driver.execute_script("return window.starlingCountCharacters(arguments[0])", text) for text in cases}
        check("the counter counts as the server does (URLs 23, remote mentions by username, graphemes)", counted == cases, str(counted))
        box = driver.find_element(By.CSS_SELECTOR, "form.compose textarea")
        text = f"My first post from the web https://example.com/{'x' * 60} #{tag}"
        box.send_keys(text)
        counter = driver.find_element(By.CSS_SELECTOR, "form.compose .counter").text
        check("the live counter shows what is left", counter == f"{280 - (27 + 23 + 1 + 1 + len(tag))} characters left", counter)
        shot(driver, "2-compose")
        driver.find_element(By.CSS_SELECTOR, "form.compose button.post").click()
        check("the post appears on the home timeline", wait_for(lambda: "My first post from the web" in driver.find_element(By.CSS_SELECTOR, ".timeline").text))
        mine = api("GET", f"/api/v1/accounts/lookup?acct={me}")[1]
        statuses = api("GET", f"/api/v1/accounts/{mine['id']}/statuses")[1]
        check("the post is stored", any("My first post from the web" in s["content"] for s in statuses), str(statuses)[:200])
        box = driver.find_element(By.CSS_SELECTOR, "form.compose textarea")
        box.send_keys("x" * 290)
        over = driver.find_element(By.CSS_SELECTOR, "form.compose .counter")
        check("over the limit the counter warns and posting is disabled",
              "over" in over.get_attribute("class") and not driver.find_element(By.CSS_SELECTOR, "form.compose button.post").is_enabled(), over.text)
        box.clear()

        section("web client: follow from a profile, live home")
        driver.get(BASE + f"/#/@{bob['username']}")
        check("bob's profile opens in the app", wait_for(lambda: driver.find_element(By.ID, "follow-button").is_enabled()))
        check("bob's post shows on his profile (escaped)", wait_for(lambda: "Hello from Bob <b>not bold</b>" in driver.find_element(By.ID, "main").text))
        driver.find_element(By.ID, "follow-button").click()
        check("the follow button turns into unfollow", wait_for(lambda: driver.find_element(By.ID, "follow-button").get_attribute("aria-pressed") == "true"))
        followers = api("GET", f"/api/v1/accounts/{bob['id']}/followers")[1]
        check("the follow is stored", any(a["username"] == me for a in followers), str(followers)[:200])
        driver.find_element(By.ID, "mute-button").click()
        muted = wait_for(lambda: driver.find_element(By.ID, "mute-button").get_attribute("aria-pressed") == "true")
        driver.find_element(By.ID, "mute-button").click()
        unmuted = wait_for(lambda: driver.find_element(By.ID, "mute-button").get_attribute("aria-pressed") == "false")
        check("mute and unmute from the profile", muted and unmuted)
        shot(driver, "3-profile")
        driver.get(BASE + "/#/home")
        driver.refresh()  # a fresh stream connection, as a person opening the app later would have
        wait_for(lambda: driver.find_element(By.ID, "page-heading").text == "Home")
        check("the stream is open", wait_for(lambda: driver.execute_script("return document.body.dataset.stream") == "open"))
        driver.execute_script("window.__notReloaded = true")
        live_text = f"Live from Bob {secrets.token_hex(4)}"
        status, live_post, _ = api("POST", "/api/v1/statuses", {"status": live_text}, bob["token"])
        check("bob posts again through the API", status == 200, str(status))
        arrived = wait_for(lambda: live_text in driver.find_element(By.CSS_SELECTOR, ".timeline").text, timeout=15)
        check("bob's new post arrives on the home timeline without a reload",
              arrived and driver.execute_script("return window.__notReloaded === true"))
        shot(driver, "4-home")
        # More than a page of posts, written through the API with the page's own token.
        my_token = driver.execute_script("return document.querySelector('meta[name=\"starling-token\"]').content")
        for n in range(21):
            api("POST", "/api/v1/statuses", {"status": f"Filler post {n}"}, my_token)
        time.sleep(1)  # fan-out
        driver.refresh()
        first_page = wait_for(lambda: len(driver.find_elements(By.CSS_SELECTOR, ".timeline article.status")) == 20)
        driver.find_element(By.CSS_SELECTOR, "button.load-more").click()
        more = wait_for(lambda: len(driver.find_elements(By.CSS_SELECTOR, ".timeline article.status")) > 20)
        count = len(driver.find_elements(By.CSS_SELECTOR, ".timeline article.status"))
        check("the home shows 20 posts, and 'Load more' pages on (max_id)", first_page and more and
              live_text in driver.find_element(By.CSS_SELECTOR, ".timeline").text, f"{count} posts")

        section("web client: status page, reply, favourite")
        driver.get(BASE + f"/#/statuses/{live_post['id']}")
        check("the status page shows the post", wait_for(lambda: live_text in driver.find_element(By.CSS_SELECTOR, ".status.focused").text))
        driver.find_element(By.CSS_SELECTOR, ".status.focused button.favourite").click()
        check("favouriting presses the button", wait_for(lambda: driver.find_element(By.CSS_SELECTOR, ".status.focused button.favourite").get_attribute("aria-pressed") == "true"))
        reply = driver.find_element(By.CSS_SELECTOR, "form.compose textarea")
        check("the reply box mentions the author", reply.get_attribute("value").startswith(f"@{bob['username']} "), reply.get_attribute("value"))
        reply.send_keys("a reply from the web")
        driver.find_element(By.CSS_SELECTOR, "form.compose button.post").click()
        check("the reply shows under the post", wait_for(lambda: "a reply from the web" in driver.find_element(By.CSS_SELECTOR, ".replies").text))
        context = api("GET", f"/api/v1/statuses/{live_post['id']}/context", token=bob["token"])[1]
        check("the reply is stored as a reply", any("a reply from the web" in s["content"] for s in context.get("descendants", [])), str(context)[:200])
        shot(driver, "5-status")
        driver.set_window_size(375, 812)
        driver.get(BASE + "/#/home")
        wait_for(lambda: driver.find_element(By.CSS_SELECTOR, ".timeline .status"))
        width = driver.execute_script("return document.documentElement.scrollWidth")
        check("at 375 px nothing is wider than the screen", width <= 375, f"scrollWidth {width}")
        shot(driver, "6-phone-home")
        driver.get(BASE + f"/#/@{bob['username']}")
        wait_for(lambda: driver.find_element(By.ID, "follow-button"))
        shot(driver, "7-phone-profile")
        driver.set_window_size(1100, 900)

        section("public pages, signed out")
        driver.delete_all_cookies()
        driver.get(BASE + f"/@{bob['username']}")
        main_text = driver.find_element(By.TAG_NAME, "main").text
        check("a public profile opens without signing in", bob["username"] in main_text and live_text in main_text, main_text[:200])
        check("user text is shown as text, not markup", "<b>not bold</b>" in main_text)
        og = driver.find_elements(By.CSS_SELECTOR, 'meta[property="og:title"]')
        feed_link = driver.find_elements(By.CSS_SELECTOR, 'link[rel="alternate"][type="application/rss+xml"]')
        check("OpenGraph tags and the feed link are there", bool(og) and bool(feed_link))
        shot(driver, "8-public-profile")
        driver.get(BASE + f"/@{bob['username']}/{live_post['id']}")
        check("a public status page shows the thread", "a reply from the web" in driver.find_element(By.TAG_NAME, "main").text)
        shot(driver, "9-public-status")
        driver.set_window_size(375, 812)
        driver.get(BASE + f"/@{bob['username']}")
        width = driver.execute_script("return document.documentElement.scrollWidth")
        check("the public profile fits 375 px", width <= 375, f"scrollWidth {width}")
        shot(driver, "10-phone-public-profile")
    finally:
        driver.quit()

    section("feeds")
    status, body, headers = api("GET", f"/@{bob['username']}.rss")
    check("the profile feed answers RSS", status == 200 and headers.get("Content-Type", "").startswith("application/rss+xml"), str(status))
    feed = feedparser.parse(body)
    check("feedparser reads the profile feed cleanly", not feed.bozo and feed.version == "rss20", str(feed.get("bozo_exception")))
    links = [entry.link for entry in feed.entries]
    check("the feed lists bob's public posts, newest first, GUIDs their URLs",
          len(feed.entries) == 2 and all(entry.id == entry.link for entry in feed.entries) and links[0].endswith("/" + live_post["id"]), str(links))
    check("every entry has an RFC 822 date", all(entry.get("published_parsed") for entry in feed.entries))
    check("the feed's text is the status, escaped once", "&lt;b&gt;not bold&lt;/b&gt;" in feed.entries[1].description, feed.entries[1].description[:200])
    status, body, headers = api("GET", f"/tags/{tag}.rss")
    tag_feed = feedparser.parse(body)
    check("feedparser reads the tag feed cleanly", status == 200 and not tag_feed.bozo and len(tag_feed.entries) == 2,
          f"{status} {tag_feed.get('bozo_exception')} {len(tag_feed.entries)}")
    etag = headers.get("ETag")
    request = urllib.request.Request(BASE + f"/tags/{tag}.rss", headers={"If-None-Match": etag or ""})
    try:
        code = urllib.request.urlopen(request, timeout=10).status
    except urllib.error.HTTPError as error:
        code = error.code
    check("a feed reader's conditional GET gets 304", code == 304, str(code))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
