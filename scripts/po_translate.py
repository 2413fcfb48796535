"""Fill Hindi translations into locale/hi/LC_MESSAGES/django.po.

    python scripts/po_translate.py translations.json   # {"English msgid": "हिन्दी", ...}
    python scripts/po_translate.py --missing           # list entries still untranslated or fuzzy

Several people (and helpers) edit the catalogue at once, so every read-modify-write
of the file happens under an exclusive lock on locale/.lock; `make messages` takes the
same lock around makemessages.
"""

from __future__ import annotations

import fcntl
import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "hi" / "LC_MESSAGES" / "django.po"
LOCK = ROOT / "locale" / ".lock"


def missing(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if not e.obsolete and ("fuzzy" in e.flags or not (e.msgstr or any(e.msgstr_plural.values())))]


def main(argv: list[str]) -> int:
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        po = polib.pofile(str(PO), wrapwidth=0)
        if argv and argv[0] == "--missing":
            for entry in missing(po):
                print(json.dumps(entry.msgid, ensure_ascii=False))
            return 0
        table: dict[str, str | list[str]] = {}
        for name in argv:
            table.update(json.loads(Path(name).read_text(encoding="utf-8")))
        filled = 0
        for entry in po:
            if entry.msgid not in table:
                continue
            value = table[entry.msgid]
            if entry.msgid_plural:
                forms = value if isinstance(value, list) else [value, value]
                entry.msgstr_plural = dict(enumerate(forms))
            else:
                entry.msgstr = value if isinstance(value, str) else value[0]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            filled += 1
        po.save(str(PO))
        print(f"{filled} entries filled; {len(missing(po))} still missing")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
