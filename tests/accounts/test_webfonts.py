"""Every page links our own web fonts: Noto Sans and Noto Sans Devanagari as woff2 from
our origin (CSP font-src 'self'), each cut to its script's unicode-range, and the cut
Devanagari face still has every character the Hindi catalogue uses."""

from __future__ import annotations

import io
import re
from pathlib import Path

import polib
from django.conf import settings
from fontTools.ttLib import TTFont

FONTS_CSS = "/static/css/fonts.css"


def _served(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if response.streaming else response.content


def _faces(css: str) -> list[dict[str, str]]:
    faces = []
    for block in re.findall(r"@font-face\s*\{(.*?)\}", css, re.S):
        faces.append({k.strip(): v.strip() for k, v in re.findall(r"([\w-]+)\s*:\s*([^;]+);", block)})
    return faces


def test_a_hindi_page_links_the_font_stylesheet_and_preloads_the_devanagari_face(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    response = client.get("/")
    html = response.content.decode()
    assert '<html lang="hi">' in html
    assert f'<link rel="stylesheet" href="{FONTS_CSS}">' in html
    assert html.index(FONTS_CSS) < html.index("/static/css/dakghar.css")
    assert 'rel="preload" href="/static/fonts/NotoSansDevanagari-Regular.woff2" as="font"' in html
    assert "font-src 'self'" in response.headers["Content-Security-Policy"]


def test_an_english_page_does_not_preload_the_devanagari_face(client, db):
    html = client.get("/").content.decode()
    assert FONTS_CSS in html
    assert 'rel="preload"' not in html


def test_each_face_is_our_woff2_with_swap_and_its_scripts_range(client, db):
    faces = _faces(_served(client, FONTS_CSS).decode())
    by_family = {(f["font-family"].strip('"'), f["font-weight"]): f for f in faces}
    assert set(by_family) == {
        ("Noto Sans", "400"),
        ("Noto Sans", "700"),
        ("Noto Sans Devanagari", "400"),
        ("Noto Sans Devanagari", "700"),
    }
    for face in faces:
        assert face["font-display"] == "swap"
        url = re.fullmatch(r'url\("\.\./fonts/([\w-]+\.woff2)"\) format\("woff2"\)', face["src"])
        assert url, face["src"]
        font = TTFont(io.BytesIO(_served(client, f"/static/fonts/{url.group(1)}")))
        assert font.flavor == "woff2"
        if face["font-family"] == '"Noto Sans Devanagari"':
            assert face["unicode-range"].startswith("U+0900-097F")
            assert "U+0000" not in face["unicode-range"]  # Latin text never fetches it
        else:
            assert face["unicode-range"].startswith("U+0000-00FF")
            assert "U+20B9" in face["unicode-range"] and 0x20B9 in font.getBestCmap()  # ₹


def test_the_devanagari_face_has_every_character_the_hindi_pages_use(client, db):
    faces = {f["font-family"].strip('"') + f["font-weight"]: f for f in _faces(_served(client, FONTS_CSS).decode())}
    src = re.search(r"fonts/([\w-]+\.woff2)", faces["Noto Sans Devanagari400"]["src"]).group(1)
    cmap = TTFont(io.BytesIO(_served(client, f"/static/fonts/{src}"))).getBestCmap()
    po = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / "hi" / "LC_MESSAGES" / "django.po"))
    used = {ch for entry in po for text in [entry.msgstr, *entry.msgstr_plural.values()] for ch in text}
    devanagari = {ch for ch in used if "\u0900" <= ch <= "\u097f"}
    assert len(devanagari) > 40
    assert not {ch for ch in devanagari if ord(ch) not in cmap}
