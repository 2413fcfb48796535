"""Every table a page shows sits in a .table-wrap (it scrolls inside its box on a
360 px phone and shows that it does, dakghar.js and dakghar.css), unless it is a narrow
two-column one. PDFs and the 80 mm receipt are paper, not screens."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

PAPER = {"counter/receipt_pdf.html", "banking/statement_pdf.html", "counter/_receipt_body.html"}


def test_every_screen_table_is_in_a_scrolling_wrapper():
    root = Path(settings.BASE_DIR) / "templates"
    bare = []
    for path in sorted(root.rglob("*.html")):
        name = str(path.relative_to(root))
        if name in PAPER:
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<table\b[^>]*>", text):
            if 'class="narrow"' in match.group(0):
                continue
            before = text[: match.start()].rstrip()
            if not re.search(r'<div class="table-wrap[^"]*">$', before):
                bare.append(f"{name}: {match.group(0)}")
    assert not bare, bare
