"""The page in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``) driven by selenium, keyboard only.

Skipped, with the reason, where the browser, its driver, selenium or waitress is not
installed; ``.ci/run`` installs them all.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("waitress", reason="the web extra is not installed: pip install '.[web]'")
pytest.importorskip("selenium", reason="selenium is not installed: pip install '.[test]'")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

from search.web.server import RunningServer, start  # noqa: E402

BROWSER = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        BROWSER is None or DRIVER is None,
        reason="no chromium or chromedriver on PATH: apt-get install chromium chromium-driver",
    ),
]

#: Where the screenshots go when KVSEARCH_SHOTS names a folder (for the README's).
SHOTS = os.environ.get("KVSEARCH_SHOTS")


@pytest.fixture(scope="module")
def server(fixture_index_path: Path) -> Iterator[RunningServer]:
    with start(fixture_index_path) as running:
        yield running


def _browser(width: int, height: int) -> Any:
    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", "--lang=nl"):  # fmt: skip
        options.add_argument(arg)
    assert BROWSER is not None and DRIVER is not None
    options.binary_location = BROWSER
    return webdriver.Chrome(options=options, service=Service(DRIVER))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    driver = _browser(1280, 1000)
    try:
        yield driver
    finally:
        driver.quit()


def _shot(driver: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(SHOTS) / name))


def _tab_to(driver: Any, element: Any, limit: int = 200) -> None:
    """Press Tab until ``element`` has the focus (keyboard only)."""
    body = driver.find_element(By.TAG_NAME, "body")
    for _ in range(limit):
        if driver.switch_to.active_element == element:
            return
        body = driver.switch_to.active_element
        body.send_keys(Keys.TAB)
    raise AssertionError(f"Tab never reached {element.text!r}")


def test_search_facet_page_and_document_with_the_keyboard(
    server: RunningServer, browser: Any
) -> None:
    browser.get(server.url + "/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "nl"
    box = browser.find_element(By.ID, "q")
    assert "Zoek in Kamervragen" in (box.get_attribute("placeholder") or "")
    _tab_to(browser, box)
    box.send_keys("stikstof", Keys.ENTER)
    total = browser.find_element(By.CSS_SELECTOR, "p.total")
    assert total.text.startswith("1–10 van 14 vragen"), total.text
    marks = browser.find_elements(By.CSS_SELECTOR, ".hit mark")
    assert marks and all("stikstof" in m.text.lower() for m in marks)
    assert browser.current_url.endswith("/?q=stikstof")
    _shot(browser, "results.png")

    # A facet: the status "onbeantwoord" (3 of the 14).
    facet = browser.find_element(By.PARTIAL_LINK_TEXT, "onbeantwoord")
    _tab_to(browser, facet)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert "status=onbeantwoord" in browser.current_url
    assert browser.find_element(By.CSS_SELECTOR, "p.total").text.startswith("1–3 van 3")
    chip = browser.find_element(By.CSS_SELECTOR, ".filters a")
    assert chip.text.startswith("status: onbeantwoord")
    chip.send_keys(Keys.ENTER)  # removes the filter again
    assert "status=" not in browser.current_url

    # Page 2.
    next_page = browser.find_element(By.CSS_SELECTOR, "a[rel=next]")
    _tab_to(browser, next_page)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert "pagina=2" in browser.current_url
    assert browser.find_element(By.CSS_SELECTOR, "p.total").text.startswith("11–14 van 14")

    # A document.
    link = browser.find_element(By.CSS_SELECTOR, ".hit h2 a")
    _tab_to(browser, link)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert "/doc/" in browser.current_url
    assert browser.find_elements(By.CSS_SELECTOR, "section.entry")
    assert browser.find_element(By.PARTIAL_LINK_TEXT, "officielebekendmakingen.nl")
    assert "Antwoord" in browser.find_element(By.TAG_NAME, "main").text
    browser.execute_script("window.scrollTo(0, 0)")
    _shot(browser, "document.png")
    # No script ran, none was blocked: the console has no CSP report.
    logs = browser.get_log("browser")
    assert not [x for x in logs if "Content Security Policy" in x.get("message", "")], logs


def test_phone_width_has_no_horizontal_scroll(server: RunningServer) -> None:
    driver = _browser(390, 844)
    try:
        for path in ("/?q=stikstof", "/doc/2019Z12806%234"):
            driver.get(server.url + path)
            width = driver.execute_script("return document.documentElement.scrollWidth")
            viewport = driver.execute_script("return window.innerWidth")
            assert width <= viewport, (path, width, viewport)
            _shot(driver, "phone-" + ("results.png" if "q=" in path else "entry.png"))
    finally:
        driver.quit()
