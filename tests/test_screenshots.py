"""The README's screenshots, taken of the real library in Chromium: the home page, a resource
page and the explorer on a desktop, and a resource page on a phone. Each is checked to show what
the README says it shows before it is kept. They are written to a temporary folder, or, with
``BELONG_SCREENSHOTS`` set to a folder (``make screenshots`` sets docs/screenshots), there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.integration]

DESKTOP, PHONE = (1280, 900), (390, 844)
RESOURCE = "/id/resource/discrimination-prejudice-and-cohesion"
RESOURCE_TITLE = "Discrimination, Prejudice and Cohesion"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("BELONG_SCREENSHOTS")
    path = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def shoot(page: Page, folder: Path, name: str) -> tuple[int, int]:
    """The first screen of ``page`` saved as ``name``.png; its size, read back."""
    target = folder / f"{name}.png"
    page.screenshot(path=str(target))
    with Image.open(target) as picture:
        return picture.size


def test_the_home_page(browser: Browser, live_server: LiveServer, folder: Path) -> None:
    page = browser.new_page(viewport={"width": DESKTOP[0], "height": DESKTOP[1]})
    page.goto(live_server.url + "/")
    expect(page.get_by_role("searchbox")).to_be_in_viewport()
    assert shoot(page, folder, "home") == DESKTOP
    page.close()


@pytest.mark.parametrize(("name", "size"), [("resource", DESKTOP), ("phone", PHONE)])
def test_a_resource_page(
    browser: Browser, live_server: LiveServer, folder: Path, name: str, size: tuple[int, int]
) -> None:
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(live_server.url + RESOURCE)
    expect(page.locator("h1")).to_contain_text(RESOURCE_TITLE)
    expect(page.locator("h1")).to_be_in_viewport()
    assert shoot(page, folder, name) == size
    page.close()


def test_the_explorer(browser: Browser, live_server: LiveServer, folder: Path) -> None:
    page = browser.new_page(viewport={"width": DESKTOP[0], "height": DESKTOP[1]})
    page.goto(live_server.url + "/explore")
    expect(page.locator("#network")).to_have_attribute("data-state", "ready", timeout=30_000)
    expect(page.locator("#network")).to_be_in_viewport()
    assert shoot(page, folder, "explorer") == DESKTOP
    page.close()
