"""The officer's page end to end, in a real headless Chromium (Debian's chromium and chromedriver).

One browser session: type a town's name, pick a suggestion with the keyboard, write the idea in German,
submit, check the ranking against the library, open a fund's fold, check WCAG 2 AA with axe-core, download
the JSON, and save screenshots at 1200 px and 400 px (in ``build/test-artefacts/``, or ``$FUNDMATCH_TEST_ARTEFACTS``).

`.ci/run` installs the browser, so a missing one fails here; only ``FUNDMATCH_NO_BROWSER=1`` skips.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import fundmatch
from fundmatch._places import import_register, load_register

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
FIXTURE = Path(__file__).parent / "data" / "lau_fixture.csv"
REPO = Path(__file__).resolve().parent.parent
IDEA_DE = (
    "Sprachkurse und Mentoring für geflüchtete Jugendliche. Gemeinsam mit der Nachbargemeinde in Österreich "
    "begleiten ehrenamtliche Mentorinnen junge Menschen in die Ausbildung."
)


def _artefacts() -> Path:
    folder = Path(os.environ.get("FUNDMATCH_TEST_ARTEFACTS", REPO / "build" / "test-artefacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    import uvicorn

    from fundmatch._web import create_app

    data = tmp_path_factory.mktemp("places")
    import_register(FIXTURE, data_dir=data)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(data_dir=data), log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", data
    srv.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        if os.environ.get("FUNDMATCH_NO_BROWSER") == "1":
            pytest.skip("FUNDMATCH_NO_BROWSER=1 and no /usr/bin/chromium")
        pytest.fail("Debian's chromium and chromium-driver are missing: apt-get install -y chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tmp_path_factory.mktemp("chromium-profile")
    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    # No network here: every background connection Chromium would try is switched off.
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1200,900",
    ):  # fmt: skip
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _accessibility_problems(driver: Any) -> list[str]:
    """What axe-core (shipped inside the axe-selenium-python package) finds against WCAG 2 A and AA."""
    import axe_selenium_python

    source = Path(axe_selenium_python.__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
    driver.execute_script(source.read_text(encoding="utf-8"))
    found = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
        ".then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.html).join(' | '))))"
        ".catch(e => done(['axe failed: ' + e]));"
    )
    return list(found)


def _screenshot(driver: Any, width: int, path: Path) -> None:
    """The whole page at ``width`` px: the window is made as tall as the page first."""
    driver.set_window_size(width, 900)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(int(height) + 100, 12000))
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(path))


def test_an_officer_finds_the_funds_for_a_town_and_a_german_idea(server: tuple[str, Path], browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    url, data = server
    wait = WebDriverWait(browser, 15)
    browser.get(url + "/")
    assert "fundmatch" in browser.title
    assert _accessibility_problems(browser) == []

    # The German name of an Italian town, as the officer knows it; a suggestion picked with the keyboard.
    place = browser.find_element(By.ID, "place")
    place.send_keys("Brixen")
    option = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#place-options [role=option]")))
    assert "Bressanone/Brixen" in option.text
    place.send_keys(Keys.ARROW_DOWN)
    assert place.get_attribute("aria-activedescendant") == option.get_attribute("id")
    place.send_keys(Keys.ENTER)
    chosen = place.get_attribute("value")
    assert chosen.startswith("Bressanone/Brixen (IT, ITH10, LAU 021011)")
    assert "register: 22377" in browser.find_element(By.ID, "population").get_attribute("placeholder")

    browser.find_element(By.ID, "description").send_keys(IDEA_DE)
    browser.find_element(By.ID, "partners").send_keys("AT")
    browser.find_element(By.ID, "budget_eur").send_keys("80.000")
    browser.find_element(By.CSS_SELECTOR, "button.primary").send_keys(Keys.ENTER)
    result = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "section.result")))

    # The ranking on the page is the library's for the same place and idea.
    (brixen,) = fundmatch.find_place("Bressanone", "IT", register=load_register(data_dir=data))
    expected = fundmatch.load_rules().match(
        fundmatch.Municipality.from_place(brixen),
        {"title": IDEA_DE.split(".")[0], "description": IDEA_DE, "partners": [{"country": "AT"}], "budget_eur": 80000},
    )
    shown = [
        cell.text.split("\n")[0] for cell in result.find_elements(By.CSS_SELECTOR, ".report tbody tr td:first-child")
    ]
    assert shown == [f.fund.value for f in expected.ranking]
    assert {t.language for t in expected.inferred} == {"de"}  # the idea was read in German

    # Open the first fund's fold with the keyboard: its rules and their legal basis appear.
    summary = result.find_element(By.CSS_SELECTOR, ".report tbody tr details summary")
    summary.send_keys(Keys.ENTER)
    fold = result.find_element(By.CSS_SELECTOR, ".report tbody tr details")
    assert fold.get_attribute("open") is not None
    first_rule = fold.find_element(By.CSS_SELECTOR, "li")
    assert first_rule.is_displayed()
    assert " — " in first_rule.text  # each rule is followed by its citation

    artefacts = _artefacts()
    _screenshot(browser, 1200, artefacts / "web-1200.png")
    _screenshot(browser, 400, artefacts / "web-400.png")
    # At phone width nothing is wider than the screen, on either page.
    assert browser.execute_script("return window.innerWidth") == 400
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 400

    # WCAG 2 AA (contrast included) with every fold of the report open, at both widths.
    browser.execute_script("document.querySelectorAll('.report details').forEach(d => { d.open = true; })")
    assert _accessibility_problems(browser) == []
    browser.set_window_size(1200, 900)
    assert _accessibility_problems(browser) == []

    # The JSON download is the report the library writes for the same input.
    browser.find_element(By.XPATH, "//button[contains(., '(JSON)')]").click()
    deadline = time.monotonic() + 15
    while not list(browser.downloads.glob("*.json")):
        assert time.monotonic() < deadline, "no JSON was downloaded"
        time.sleep(0.1)
    (saved,) = browser.downloads.glob("*.json")
    assert saved.name == "fundmatch-bressanone-brixen.json"
    report = json.loads(saved.read_text(encoding="utf-8"))
    assert [f["fund"] for f in report["ranking"]] == shown
    assert report["municipality"]["lau"] == "021011"
    assert report == json.loads(expected.model_dump_json())

    # The screening page fits the phone width too.
    browser.set_window_size(400, 900)
    browser.get(url + "/screen")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 400

    # No script error and no content-security-policy violation on the way.
    problems = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert problems == []
