"""Every string a person sees has Hindi: the shared catalogue has no empty or fuzzy entry."""

from __future__ import annotations

import re
from pathlib import Path

import polib
from django.conf import settings
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "hi" / "LC_MESSAGES" / "django.po"


def test_the_hindi_catalogue_is_complete():
    po = polib.pofile(str(CATALOGUE))
    untranslated = [e.msgid for e in po if not e.obsolete and not e.translated() and "fuzzy" not in e.flags]
    fuzzy = [e.msgid for e in po if not e.obsolete and "fuzzy" in e.flags]
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:20]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy: {fuzzy[:20]}"


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}|%[sd]")


def test_hindi_translations_keep_their_placeholders():
    """A translation that drops or renames %(name)s would crash or lose the value."""
    broken = []
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete or not entry.translated():
            continue
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if any(sorted(PLACEHOLDER.findall(form)) != wanted for form in forms):
            broken.append(entry.msgid)
    assert not broken, broken[:20]


def test_the_compiled_catalogue_is_used():
    with translation.override("hi"):
        assert translation.gettext("Sign out") == "साइन आउट"
