"""Danish name folding for search and duplicate detection: æ/ae, ø/oe, å/aa, accents, hyphens."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_REPLACEMENTS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue"})
_SEPARATORS = re.compile(r"[\s\-‐–'’.,]+")


# Names repeat a lot (a population has a few thousand given and family names), and a bulk import
# folds hundreds of thousands of them: remembering the recent ones saves most of the work.
@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """'Søren Åge Müller-Hansen' -> 'soeren aage mueller hansen'."""
    lowered = text.lower().translate(_REPLACEMENTS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", stripped).strip()


def name_tokens(*parts: str) -> list[str]:
    return [token for part in parts for token in fold(part).split() if token]


def duplicate_key(given_name: str, family_name: str) -> str:
    """First given name and last family name, folded: middle names do not matter."""
    given = name_tokens(given_name)
    family = name_tokens(family_name)
    if not given and not family:
        return ""
    first = given[0] if given else ""
    last = family[-1] if family else (given[-1] if len(given) > 1 else "")
    return f"{first} {last}".strip()
