"""The Danish catalogue is complete, consistent with its source strings, and the only one.

Danish is the default language, so an untranslated or fuzzy entry shows English to the users, and a
placeholder that differs between msgid and msgstr breaks the page at run time. No database.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[2]
CATALOGUE = PACKAGE / "locale" / "da" / "LC_MESSAGES" / "django.po"

# %(name)s, %(n)d, %s, %d (printf style) and {name} (str.format / format_lazy); %% is a literal.
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{[A-Za-z_][\w.]*\}")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text.replace("%%", "")))


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(CATALOGUE))


def test_header_is_danish_and_not_fuzzy(catalogue: polib.POFile) -> None:
    assert not catalogue.metadata_is_fuzzy
    assert catalogue.metadata["Language"] == "da"
    assert catalogue.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert "charset=UTF-8" in catalogue.metadata["Content-Type"]


def test_every_entry_is_translated(catalogue: polib.POFile) -> None:
    missing = [entry.msgid for entry in catalogue.untranslated_entries() if not entry.obsolete]
    assert missing == []


def test_no_entry_is_fuzzy(catalogue: polib.POFile) -> None:
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def test_placeholders_match(catalogue: polib.POFile) -> None:
    wrong = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            expected = placeholders(entry.msgid) | placeholders(entry.msgid_plural)
            for index, text in entry.msgstr_plural.items():
                # Danish has two forms, so each must carry what the English plural carries.
                source = entry.msgid if index == 0 else entry.msgid_plural
                if placeholders(text) not in (placeholders(source), expected):
                    wrong.append((entry.msgid, index, text))
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            wrong.append((entry.msgid, None, entry.msgstr))
    assert wrong == []


def test_the_central_catalogue_is_the_only_one() -> None:
    catalogues = sorted(PACKAGE.rglob("django.po"))
    assert catalogues == [CATALOGUE]
