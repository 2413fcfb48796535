"""Hindi pages draw their Devanagari with our own Noto Sans Devanagari (woff2 from our
origin), so a counter PC or phone without a Devanagari font still reads Hindi. The machine
these tests run on has none (`fc-list :lang=hi` is empty), so a passing run here is that
case. Set COUNTER_SCREENSHOTS=<dir> to keep the 360 px screenshot."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.browser import launch_chromium

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_hindi_page_loads_and_uses_the_bundled_devanagari_font(live_server):
    from playwright.sync_api import sync_playwright

    fonts: list[tuple[str, int, str]] = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True)
        context.add_cookies([{"name": "dakghar_lang", "value": "hi", "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on(
            "response",
            lambda r: fonts.append((r.url, r.status, r.headers.get("content-type", "")))
            if r.request.resource_type == "font"
            else None,
        )
        page.goto(live_server.url + "/")
        assert page.evaluate("document.documentElement.lang") == "hi"
        page.evaluate("document.fonts.ready")
        faces = page.evaluate(
            "[...document.fonts].map(f => ({family: f.family.replaceAll('\"', ''), weight: f.weight, status: f.status}))"
        )
        loaded = {(f["family"], f["weight"]) for f in faces if f["status"] == "loaded"}
        assert ("Noto Sans Devanagari", "400") in loaded
        assert page.evaluate("""document.fonts.check('16px "Noto Sans Devanagari"', 'डाकघर')""")
        # The file came from our own static files as woff2, not from a CDN or the system.
        deva = [f for f in fonts if "NotoSansDevanagari-Regular.woff2" in f[0]]
        assert deva and deva[0][0].startswith(live_server.url + "/static/fonts/")
        assert deva[0][1] == 200
        assert all(url.startswith(live_server.url) for url, _, _ in fonts)
        family = page.evaluate("getComputedStyle(document.body).fontFamily")
        assert family.startswith('"Noto Sans", "Noto Sans Devanagari"')
        # The heading's Devanagari is painted by our web font, not a system font (Chromium
        # reports which fonts painted a node, and whether each is a downloaded one).
        cdp = context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "main h1"})["nodeId"]
        used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        deva_glyphs = [f for f in used if f["familyName"] == "Noto Sans Devanagari"]
        assert deva_glyphs and deva_glyphs[0]["isCustomFont"] and deva_glyphs[0]["glyphCount"] > 10, used
        assert all(f["isCustomFont"] for f in used), used
        shots = os.environ.get("COUNTER_SCREENSHOTS")
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{shots}/fonts-hi-360.png", full_page=True)
        context.close()
        browser.close()
