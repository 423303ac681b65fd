"""The report an officer sends: `--html FILE` opened in a real headless Chromium (Debian's, as the web test).

At 1200 px and 400 px: no horizontal overflow, screenshots saved (``build/test-artefacts/``); a fund's fold
opens; every citation links to its article on EUR-Lex over https; and axe-core finds no WCAG 2 AA problem in
the page's light and dark schemes, nor in the notebook fragment on a dark notebook theme.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import fundmatch
from tests import test_web_browser as _web
from tests.test_web_browser import _accessibility_problems, _artefacts, _screenshot

# The web test's driver (Debian's chromium, offline flags), its axe-core check and its screenshots.
browser = _web.browser

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def report() -> fundmatch.MatchReport:
    from fundmatch._yaml import load_yaml

    profile = load_yaml(REPO / "examples" / "profiles" / "bressanone.yaml")
    idea = load_yaml(REPO / "examples" / "ideas" / "ausbildungsbruecke.yaml")
    return fundmatch.match(profile, idea)


def _dark(driver: Any, on: bool) -> None:
    features = [{"name": "prefers-color-scheme", "value": "dark" if on else "light"}]
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": features})


def test_the_html_report_is_a_document_that_reads_well_at_both_widths(
    report: fundmatch.MatchReport, browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    page = tmp_path / "report.html"
    page.write_text(report.to_html(), encoding="utf-8")
    browser.get(page.as_uri())
    assert browser.title.startswith("fundmatch: ") and report.municipality.name in browser.title
    assert browser.execute_script("return document.characterSet") == "UTF-8"
    assert browser.execute_script("return document.compatMode") == "CSS1Compat"  # a doctype, not quirks mode

    artefacts = _artefacts()
    for width in (1200, 400):
        _screenshot(browser, width, artefacts / f"report-{width}.png")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width
        assert (artefacts / f"report-{width}.png").stat().st_size > 10_000
    # At 400 px the table is stacked: each fund's "Why" is as wide as the page, not a squeezed column.
    why = browser.find_element(By.CSS_SELECTOR, 'td[data-label="Why"]')
    assert why.size["width"] > 300

    browser.set_window_size(1200, 900)
    fold = browser.find_element(By.CSS_SELECTOR, "tr.fm-fund details")
    assert fold.get_attribute("open") is None
    fold.find_element(By.TAG_NAME, "summary").click()
    assert fold.get_attribute("open") is not None
    assert fold.find_element(By.TAG_NAME, "li").is_displayed()

    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "tr.fm-fund li a")]
    assert links and all(h.startswith("https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?uri=CELEX:") for h in links)
    assert sum("#art_" in h for h in links) > len(links) / 2
    assert "#art_63" in " ".join(links)

    for dark in (False, True):
        _dark(browser, dark)
        browser.refresh()
        assert _accessibility_problems(browser) == [], f"dark={dark}"
    _dark(browser, False)


def test_the_notebook_fragment_keeps_contrast_on_a_dark_theme(
    report: fundmatch.MatchReport, browser: Any, tmp_path: Path
) -> None:
    # JupyterLab's dark theme: light text on a near-black page; the fragment keeps the theme's text colour.
    page = tmp_path / "notebook.html"
    page.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>notebook</title></head>'
        '<body style="background:#111;color:#d4d4d4"><style>a{color:#8ab4f8}</style>'
        f"<main>{report._repr_html_()}</main></body></html>",
        encoding="utf-8",
    )
    browser.get(page.as_uri())
    for summary in browser.find_elements("css selector", "summary"):
        summary.click()
    _screenshot(browser, 1200, _artefacts() / "report-notebook-dark.png")
    assert _accessibility_problems(browser) == []
    browser.set_window_size(400, 900)
    # A narrow pane scrolls the table inside its box; the page itself does not overflow.
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 400
