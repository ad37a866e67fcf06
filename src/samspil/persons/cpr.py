"""CPR numbers: parsing, the century rule, gender, masking. Pure; no database.

Numbers issued since 2007 need not pass the modulus-11 check, so it is never required here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_CPR_RE = re.compile(r"^(\d{6})-?(\d{4})$")

# Birth dates for which the CPR office has issued numbers without modulus 11 (CPR-kontoret).
DATES_WITHOUT_MODULUS_11 = frozenset(
    date(year, 1, 1)
    for year in (1960, 1964, 1965, 1966, 1969, 1970, 1974, 1980, 1982, 1984, 1985, 1986, 1987,
                 1988, 1989, 1990, 1992)
)
_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


class CprError(ValueError):
    """The text is not a CPR number; `code` says why (for a translated message)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Cpr:
    digits: str  # ten digits, no hyphen

    @property
    def birth_date(self) -> date:
        return _birth_date(self.digits)

    @property
    def gender(self) -> str:
        return "M" if int(self.digits[9]) % 2 else "F"

    @property
    def formatted(self) -> str:
        return f"{self.digits[:6]}-{self.digits[6:]}"

    @property
    def masked(self) -> str:
        return f"{self.digits[:6]}-xxxx"

    @property
    def passes_modulus_11(self) -> bool:
        return sum(int(d) * w for d, w in zip(self.digits, _WEIGHTS, strict=True)) % 11 == 0


def _century(year2: int, digit7: int) -> int:
    if digit7 <= 3:
        return 1900
    if digit7 in (4, 9):
        return 2000 if year2 <= 36 else 1900
    return 2000 if year2 <= 57 else 1800


def _birth_date(digits: str) -> date:
    day, month, year2 = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    year = _century(year2, int(digits[6])) + year2
    return date(year, month, day)


def parse_cpr(text: str) -> Cpr:
    """Accept DDMMYYSSSS or DDMMYY-SSSS whose date part is a real date."""
    match = _CPR_RE.match(text.strip())
    if not match:
        raise CprError("format")
    digits = match.group(1) + match.group(2)
    try:
        _birth_date(digits)
    except ValueError:
        raise CprError("date") from None
    return Cpr(digits)


def mask(birth_date: date | None) -> str:
    """How a CPR number is shown to a role that does not need it in full."""
    return f"{birth_date:%d%m%y}-xxxx" if birth_date else ""
