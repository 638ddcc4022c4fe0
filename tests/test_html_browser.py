"""The HTML pages in a real browser: Debian's chromium, headless, driven from the standard library.

How: chromium runs with ``--remote-debugging-pipe`` and this file speaks the DevTools protocol to it
over that pipe (JSON messages ending in a NUL byte, on file descriptors 3 and 4 of the browser). That
is the simplest method that measures a phone: ``--window-size=375,800`` is not honoured by today's
headless chromium, which lays a page out at least 500 px wide (a 375 px ``--screenshot`` of a 500 px
layout is only cropped, and would hide a page too wide for a phone). Over the protocol the page is
shown as on a phone (Emulation.setDeviceMetricsOverride, 375 × 800 CSS px, mobile: the viewport meta
is obeyed as a phone obeys it), nothing is injected into it, and the browser reports:

- every console message and uncaught exception (Runtime), and every error it logs (Log: a resource that
  failed to load, a blocked request ...): the page must load with none;
- every request (Network): a page that loads nothing may request only itself;
- the page's text (Runtime.evaluate of document.body.innerText) and its width
  (document.documentElement.scrollWidth), which must not exceed the phone's 375 px;
- a screenshot (Page.captureScreenshot), kept in the test's temporary folder, 375 px wide.

The checks are shown to fail: on a page 500 px wide, on one with a script error, on one that loads an
image from elsewhere. Without chromium the tests are skipped, but fail when CI is set: CI installs it
(.ci/run) and must run them.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import struct
import subprocess
import time
from pathlib import Path

import pytest
from helpers import Cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PHONE_WIDTH, PHONE_HEIGHT = 375, 800


EX1_ANSWERS = """\
exercise: ex1
student: "<b>Ada</b> & Co"
answers:
  a3: 0.755
  y3: 0.6803
  a4: 0.68
  delta3: 0.00266
  W13_new: 0.0991
"""


class Browser:
    """A headless chromium spoken to over the DevTools protocol on a pipe; one page, shown as a phone."""

    def __init__(self, profile: Path):
        import fcntl  # POSIX only, as Debian's chromium is

        to_browser_read, self.to_browser = os.pipe()
        self.from_browser, from_browser_write = os.pipe()

        def as_fds_3_and_4():  # in the child, before exec: chromium reads commands on 3, answers on 4
            read = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD, 10)
            write = fcntl.fcntl(from_browser_write, fcntl.F_DUPFD, 10)
            os.dup2(read, 3)
            os.dup2(write, 4)

        self.process = subprocess.Popen(
            [CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--remote-debugging-pipe",
             f"--user-data-dir={profile}", "--no-first-run", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=as_fds_3_and_4, close_fds=False)
        os.close(to_browser_read)
        os.close(from_browser_write)
        self.buffer, self.last_id, self.events = b"", 0, []
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=True)
        self.send("Emulation.setDeviceMetricsOverride", {"width": PHONE_WIDTH, "height": PHONE_HEIGHT,
                                                         "deviceScaleFactor": 1, "mobile": True}, session=True)

    def send(self, method: str, params: dict | None = None, session: bool = False) -> dict:
        self.last_id += 1
        message = {"id": self.last_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        reply = self.wait(lambda m: m.get("id") == self.last_id)
        assert "error" not in reply, reply
        return reply["result"]

    def wait(self, wanted, timeout: float = 30) -> dict:
        """The first message ``wanted`` accepts; every event read on the way is kept in self.events."""
        end = time.monotonic() + timeout
        while True:
            while b"\0" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "method" in message:
                    self.events.append(message)
                if wanted(message):
                    return message
            left = end - time.monotonic()
            if left <= 0 or not select.select([self.from_browser], [], [], left)[0]:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self.from_browser, 1 << 16)
            if not chunk:
                raise EOFError("chromium closed the pipe")
            self.buffer += chunk

    def load(self, path: Path) -> None:
        self.events.clear()
        self.send("Page.navigate", {"url": path.resolve().as_uri()}, session=True)
        self.wait(lambda m: m.get("method") == "Page.loadEventFired" and m.get("sessionId") == self.session)
        self.evaluate("0")  # a round trip: messages logged while loading have arrived

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=True)
        return result["result"].get("value")

    def problems(self) -> list[str]:
        """Console messages, uncaught exceptions and logged errors of the page, as one line each."""
        found = []
        for event in self.events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.consoleAPICalled":
                found.append(f"console.{params['type']}: {[arg.get('value') for arg in params['args']]}")
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                found.append(f"exception: {details.get('exception', {}).get('description', details['text'])}")
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                found.append(f"log {params['entry']['level']}: {params['entry']['text']} {params['entry'].get('url', '')}")
        return found

    def requests(self) -> list[str]:
        return [event["params"]["request"]["url"] for event in self.events
                if event["method"] == "Network.requestWillBeSent"]

    def screenshot(self, path: Path) -> tuple[int, int]:
        """A PNG of the phone's screen at ``path``; its width and height in pixels."""
        data = base64.b64decode(self.send("Page.captureScreenshot", {"format": "png"}, session=True)["data"])
        path.write_bytes(data)
        return struct.unpack(">II", data[16:24])  # the PNG's IHDR chunk

    def close(self) -> None:
        try:
            os.write(self.to_browser, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
            self.process.wait(timeout=15)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        os.close(self.to_browser)
        os.close(self.from_browser)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """The browser every test here uses: skipped without chromium, except in CI, where that fails."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but chromium is not installed: .ci/run installs it", pytrace=False)
        pytest.skip("chromium is not installed (apt-get install chromium); CI installs it and runs these tests")
    chromium = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield chromium
    chromium.close()


def shown_on_a_phone(browser: Browser, page: Path) -> str:
    """Load ``page`` as a phone shows it, check what every page must be, and return its visible text."""
    browser.load(page)
    assert browser.problems() == []
    assert browser.requests() == [page.resolve().as_uri()], "the page must load nothing but itself"
    layout = browser.evaluate("document.documentElement.clientWidth")  # 980 on a phone without the viewport meta
    assert layout == PHONE_WIDTH, f"laid out {layout} px wide on a {PHONE_WIDTH} px phone: no viewport meta?"
    width = browser.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"the page is {width} px wide on a {PHONE_WIDTH} px phone: it scrolls sideways"
    assert browser.screenshot(page.with_suffix(".png")) == (PHONE_WIDTH, PHONE_HEIGHT)
    return browser.evaluate("document.body.innerText")


def _cli(*args: str) -> str:
    result = Cli()(*args)  # the `cli` fixture's command line
    assert result.exit_code in (0, 1), result.output
    return result.stdout


# ------------------------------------------------------------------------------------- the pages


def test_the_solution_page_on_a_phone(browser, tmp_path):
    page = tmp_path / "ex1.html"
    page.write_text(_cli("solve", "ex1", "--format", "html"), encoding="utf-8")
    text = shown_on_a_phone(browser, page)
    assert browser.evaluate("document.title") == "Exercise 1: the tutorial's network (ex1)"
    for shown in ("Step 1: forward pass", "(0.1)(0.35) + (0.8)(0.9)", "0.755", "0.6803", "-0.04068", "-0.002654",
                  "0.09907", "0.6820", "Step 5: forward pass with the new weights"):
        assert shown in text, shown
    # Each wide table scrolls inside its own box, which is as wide as the phone's page at most.
    boxes = browser.evaluate("[...document.querySelectorAll('.scroll')].map(b => b.getBoundingClientRect().right)")
    assert boxes and max(boxes) <= PHONE_WIDTH
    # The two pictures of the network, scaled to the phone.
    assert browser.evaluate("document.querySelectorAll('figure svg').length") == 2
    assert browser.evaluate("Math.max(...[...document.querySelectorAll('figure svg')]"
                            ".map(s => s.getBoundingClientRect().width))") <= PHONE_WIDTH - 2 * 16  # main's padding
    assert "x1 = 0.35" in text and "y3 = 0.6803" in text  # the SVG's text, shown


def test_a_grade_page_at_full_shows_verdicts_in_words_and_the_expected_values(browser, tmp_path):
    answers = tmp_path / "ada.yaml"
    answers.write_text(EX1_ANSWERS, encoding="utf-8")
    page = tmp_path / "full.html"
    page.write_text(_cli("grade", str(answers), "--format", "html"), encoding="utf-8")
    text = shown_on_a_phone(browser, page)
    assert "Student: <b>Ada</b> & Co" in text  # escaped: shown as written, not as markup
    assert browser.evaluate("document.querySelectorAll('b').length") == 0
    for shown in ("✓ correct", "✗ wrong (sign-flip)", "· missing", "expected", "-0.002654", "Score: 4 / 35"):
        assert shown in text, shown
    colour = browser.evaluate("getComputedStyle(document.querySelector('tr.red td.verdict')).color")
    assert colour == "rgb(164, 14, 38)"  # and the word "wrong" says it without colour


def test_a_grade_page_at_hint_shows_no_expected_value(browser, tmp_path):
    answers = tmp_path / "ada.yaml"
    answers.write_text(EX1_ANSWERS, encoding="utf-8")
    page = tmp_path / "hint.html"
    page.write_text(_cli("grade", str(answers), "--format", "html", "--feedback", "hint"), encoding="utf-8")
    text = shown_on_a_phone(browser, page)
    assert "✗ wrong (sign-flip)" in text and "delta3 = y3(1 - y3)·W35·delta5" in text
    for withheld in ("expected", "-0.002654", "0.6637", "± 1%"):
        assert withheld not in text, withheld


def test_the_solution_page_prints(browser, tmp_path):
    page = tmp_path / "ex1.html"
    page.write_text(_cli("solve", "ex1", "--format", "html"), encoding="utf-8")
    browser.load(page)
    browser.send("Emulation.setEmulatedMedia", {"media": "print"}, session=True)
    try:
        style = browser.evaluate("""JSON.stringify({
            body: getComputedStyle(document.body).backgroundColor,
            row: getComputedStyle(document.querySelector('tbody tr')).breakInside,
            box: getComputedStyle(document.querySelector('.scroll')).overflowX,
            head: getComputedStyle(document.querySelector('thead')).display})""")
        pdf = base64.b64decode(browser.send("Page.printToPDF", {}, session=True)["data"])
    finally:
        browser.send("Emulation.setEmulatedMedia", {"media": ""}, session=True)
    assert json.loads(style) == {"body": "rgba(0, 0, 0, 0)", "row": "avoid", "box": "visible",
                                 "head": "table-header-group"}
    assert pdf.startswith(b"%PDF") and browser.problems() == []


# ------------------------------------------------------------------- the checks can fail


def test_a_page_too_wide_for_a_phone_is_caught(browser, tmp_path):
    page = tmp_path / "wide.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>wide</title>'
                    '</head><body><table><tr><td style="white-space:nowrap">' + "0.123456 " * 60 +
                    "</td></tr></table></body></html>", encoding="utf-8")
    with pytest.raises(AssertionError, match="scrolls sideways"):
        shown_on_a_phone(browser, page)


def test_a_page_without_the_viewport_meta_is_caught(browser, tmp_path):
    page = tmp_path / "desktop.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>desktop</title></head>'
                    "<body><p>a page laid out for a desktop, 980 px wide on a phone</p></body></html>",
                    encoding="utf-8")
    with pytest.raises(AssertionError, match="viewport"):
        shown_on_a_phone(browser, page)


def test_a_console_error_and_a_request_elsewhere_are_caught(browser, tmp_path):
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>broken</title></head><body>'
                    "<script>console.error('boom'); undefinedFunction();</script></body></html>", encoding="utf-8")
    browser.load(page)
    problems = browser.problems()
    assert any("boom" in line for line in problems) and any("undefinedFunction" in line for line in problems)
    page.write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>image</title></head><body>'
                    '<img src="missing.png" alt=""></body></html>', encoding="utf-8")
    browser.load(page)
    assert any("missing.png" in url for url in browser.requests())
    assert any("ERR_FILE_NOT_FOUND" in line for line in browser.problems())
