"""Filter 2 of the step-wise sharing: the situation without the identity. Pure; no database.

The forum's view of a concern is built here from plain values (a dict of whitelisted columns),
never from a Person object, so no template or serializer of the de-identified view can reach a
name, a CPR number, an address, a birth date or an incident narrative even by mistake.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.meetings.constants import AGE_BAND_LIMITS, AgeBand, ConcernStatus, RiskFactor
from samspil.persons.folding import fold

# The Concern columns the de-identified view may read, and nothing else.
DEIDENTIFIED_FIELDS: tuple[str, ...] = (
    "pk", "forum_id", "forum__name", "forum__kind", "home_organisation__name", "raised_at",
    "age_band", "municipality__name", "risk_factors", "risk_text", "status", "decided_at",
    "decision_reason", "meeting_id",
)

_MONTHS_DA = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
              "september", "oktober", "november", "december")
_MONTHS_EN = ("january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december")


def age_band(birth_date: date | None, on: date) -> str:
    if birth_date is None:
        return AgeBand.UNKNOWN
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    for limit, band in AGE_BAND_LIMITS:
        if age < limit:
            return band
    return AgeBand.B65


@dataclass(frozen=True)
class Identity:
    """The identifying details of one person that a de-identified text must not contain."""

    given_name: str = ""
    family_name: str = ""
    cpr_digits: str = ""
    birth_date: date | None = None
    address: str = ""


def _date_patterns(day: date) -> list[re.Pattern[str]]:
    d, m, y = day.day, day.month, day.year
    sep = r"\s*[./\-]\s*"
    day_re = rf"0?{d}" if d < 10 else str(d)
    month_re = rf"0?{m}" if m < 10 else str(m)
    year_re = rf"(?:{y}|{y % 100:02d})"
    names = rf"(?:{_MONTHS_DA[m - 1]}|{_MONTHS_EN[m - 1]}|{_MONTHS_DA[m - 1][:3]}\.?)"
    return [
        re.compile(rf"(?<!\d){day_re}{sep}{month_re}{sep}{year_re}(?!\d)"),  # 7.5.2009, 07-05-09
        re.compile(rf"(?<!\d){y}{sep}{month_re}{sep}{day_re}(?!\d)"),  # 2009-05-07
        re.compile(rf"(?<!\d){day_re}\.?\s*{names}\s*{y}(?!\d)"),  # 7. maj 2009
        re.compile(rf"(?<!\d){d:02d}{m:02d}{y % 100:02d}(?!\d)"),  # 070509 (the CPR's first half)
        re.compile(rf"(?<!\d){d:02d}{m:02d}{y}(?!\d)"),  # 07052009
    ]


def identity_findings(text: str, identity: Identity) -> list[str]:
    """Which kinds of identifying detail `text` contains ("name", "cpr", "address",
    "birth_date"); empty when it may be shared de-identified."""
    found: list[str] = []
    if not text.strip():
        return found
    folded = f" {fold(text)} "
    names = [token for token in fold(f"{identity.given_name} {identity.family_name}").split()
             if len(token) >= 2]
    if any(f" {token} " in folded for token in names):
        found.append("name")
    digits = re.sub(r"[\s\-./]", "", text)
    if identity.cpr_digits and identity.cpr_digits in digits:
        found.append("cpr")
    if identity.address.strip():
        street_line = fold(identity.address.split(",")[0])
        street_words = [w for w in street_line.split() if not w.isdigit()]
        street_name = " ".join(street_words)
        if (street_line and f" {street_line} " in folded) or (
                len(street_name) >= 4 and f" {street_name} " in folded):
            found.append("address")
    if identity.birth_date is not None:
        lowered = text.lower()
        if any(pattern.search(lowered) for pattern in _date_patterns(identity.birth_date)):
            found.append("birth_date")
    return found


def findings_message(findings: Iterable[str]) -> str:
    labels = {
        "name": _("the person's name"),
        "cpr": _("the CPR number"),
        "address": _("the address"),
        "birth_date": _("the birth date"),
    }
    listed = ", ".join(str(labels[f]) for f in findings)
    return _(
        "The text is shared with the forum without the person's identity, so it must not "
        "contain %(found)s. Describe the situation without identifying details."
    ) % {"found": listed}


@dataclass(frozen=True)
class DeidentifiedSituation:
    """Everything the forum sees about a concern before identity is disclosed."""

    concern_id: int
    reference: str
    forum_id: int
    forum_name: str
    forum_kind: str
    home_organisation: str
    raised_on: date
    age_band: str
    age_band_label: str
    municipality: str
    risk_factors: tuple[str, ...]
    risk_factor_labels: tuple[str, ...]
    situation: str
    status: str
    status_label: str
    decided_on: date | None
    decision_reason: str
    meeting_id: int | None


def _local_date(moment: datetime | None) -> date | None:
    if moment is None:
        return None
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def situation_from_row(row: Mapping[str, Any]) -> DeidentifiedSituation:
    """Build the de-identified situation from the whitelisted columns of one concern."""
    unknown = set(row) - set(DEIDENTIFIED_FIELDS)
    if unknown:
        raise ValueError(f"not de-identified columns: {sorted(unknown)}")
    factors = tuple(code for code in row["risk_factors"] if code in RiskFactor.values)
    raised_on = _local_date(row["raised_at"])
    assert raised_on is not None
    return DeidentifiedSituation(
        concern_id=row["pk"],
        reference=f"B-{row['pk']}",
        forum_id=row["forum_id"],
        forum_name=row["forum__name"],
        forum_kind=row["forum__kind"],
        home_organisation=row["home_organisation__name"],
        raised_on=raised_on,
        age_band=row["age_band"],
        age_band_label=str(AgeBand(row["age_band"]).label),
        municipality=row["municipality__name"],
        risk_factors=factors,
        risk_factor_labels=tuple(str(RiskFactor(code).label) for code in factors),
        situation=row["risk_text"],
        status=row["status"],
        status_label=str(ConcernStatus(row["status"]).label),
        decided_on=_local_date(row["decided_at"]),
        decision_reason=row["decision_reason"],
        meeting_id=row["meeting_id"],
    )
