"""The persons app's own entries on a person's timeline: registration and merges."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from samspil.persons.models import Person, PersonMerge
from samspil.persons.registry import TimelineEntry
from samspil.persons.selectors import identifies


def person_timeline(*, user: Any, person: Person, purpose: str) -> list[TimelineEntry]:
    """Called only for a person the user may read (the person page has read it already)."""
    entries = [
        TimelineEntry(
            at=person.created_at,
            kind="person",
            title=_("Registered in Samspil"),
            detail=str(person.owner_organisation) if identifies(purpose) else "",
        )
    ]
    merges = PersonMerge.objects.filter(Q(survivor=person) | Q(merged=person)).select_related(
        "survivor", "merged")
    for merge in merges:
        other = merge.merged if merge.survivor_id == person.pk else merge.survivor
        if merge.survivor_id == person.pk:
            title = _("Duplicate record %(key)s merged into this person") % {
                "key": other.person_key}
        else:
            title = _("Merged into person %(key)s") % {"key": other.person_key}
        entries.append(TimelineEntry(at=merge.merged_at, kind="merge", title=title))
        if merge.undone_at:
            entries.append(TimelineEntry(
                at=merge.undone_at, kind="merge",
                title=_("Merge with %(key)s undone") % {"key": other.person_key},
            ))
    return entries
