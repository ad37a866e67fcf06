"""Fill Danish translations into django.po from a JSON mapping {msgid: msgstr}.

Used while writing features: `python tools/po_fill.py translations.json`. For plural entries the
value is a list [singular, plural]. Entries already translated are left alone unless --force.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import polib

PO = Path(__file__).resolve().parents[1] / "src/samspil/locale/da/LC_MESSAGES/django.po"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mapping", type=Path)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    mapping = json.loads(args.mapping.read_text(encoding="utf-8"))
    po = polib.pofile(str(PO), wrapwidth=0)
    filled = 0
    for entry in po:
        if entry.msgid not in mapping or (entry.translated() and not args.force):
            continue
        value = mapping[entry.msgid]
        if entry.msgid_plural:
            singular, plural = value if isinstance(value, list) else (value, value)
            entry.msgstr_plural = {0: singular, 1: plural}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        filled += 1
    po.save(str(PO))
    untranslated = len(po.untranslated_entries()) + len(po.fuzzy_entries())
    print(f"filled {filled}; still untranslated or fuzzy: {untranslated}")


if __name__ == "__main__":
    main()
