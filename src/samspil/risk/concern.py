"""The draft concern of a socialrapport, written from a hit's explanation. Pure: no ORM.

The report goes to a Danish municipality under Barnets lov § 133, so the draft is Danish
whatever the reviewer's interface language; the reviewer edits it before sending.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

ROLE_DA: Mapping[str, str] = {
    "suspect": "mistænkt",
    "charged": "sigtet",
    "victim": "forurettet",
    "witness": "vidne",
    "reporter": "anmelder",
    "involved": "involveret",
    "child_present": "barn til stede",
}


@dataclass(frozen=True)
class NamedChild:
    name: str
    age: int | None


def _date(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d.%m.%Y")


def _child(child: NamedChild) -> str:
    return f"{child.name} ({child.age} år)" if child.age is not None else child.name


def concern_draft(
    explanation: Mapping[str, Any],
    *,
    category_labels: Mapping[str, str],
    names: Mapping[int, str],
    children: Sequence[NamedChild],
    window_days: int = 365,
) -> str:
    """A Danish draft: the incidents as a timeline (date, category, who and in what role,
    children present), the children of the household, and the legal basis.

    ``explanation`` is ``FamilyHit.to_dict()``; ``names`` maps person ids to the names the
    reviewer may see (a person missing from it is named by their key).
    """

    def name(role: Mapping[str, Any]) -> str:
        return names.get(int(role["person_id"])) or str(role["person_key"])

    months = round(window_days / 30.4)
    lines = [
        "Politiet underretter hermed kommunen om bekymring for nedenstående børn.",
        "",
        f"Ved politiets screening (Socialsøg) er det konstateret, at barnets/børnenes "
        f"omsorgspersoner inden for de seneste {months} måneder har været involveret i "
        f"følgende hændelser:",
        "",
    ]
    for item in explanation.get("explanation", []):
        label = category_labels.get(item["category"], item["category"])
        who = ", ".join(
            f"{name(role)} ({ROLE_DA.get(role['role'], role['role'])})"
            for role in item.get("involvements", [])
        )
        line = f"- {_date(item['occurred_on'])}: {label} (journalnr. {item['journal_no']})"
        if who:
            line += f". Involveret: {who}"
        present = [name(role) for role in item.get("children_present", [])]
        if present:
            line += f". Barn til stede: {', '.join(present)}"
        lines.append(line + ".")
    lines += ["", "Børn i husstanden: " + (", ".join(_child(c) for c in children) or "–") + "."]
    lines += [
        "",
        "Underretningen sendes efter Barnets lov § 133. Politiet har ikke selv vurderet "
        "barnets/børnenes trivsel; kommunen bedes vurdere, om der er behov for støtte.",
    ]
    return "\n".join(lines)
