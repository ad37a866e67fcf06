"""The weekly Socialsøg screening as a django-tasks background task.

django-tasks queues and runs tasks; it has no scheduler. Production runs, once a week (for
example Monday 05:00 from a systemd timer or cron, see docs/SOCIALSOEG.md)::

    samspil socialsoeg schedule      # enqueues weekly_screening on the default backend

and a worker (``samspil db_worker``) picks it up. ``samspil socialsoeg scan`` runs a screening
in the foreground instead, for one district or all.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django_tasks import task

from samspil.risk.constants import Trigger
from samspil.risk.services import districts_with_data, screening_run


@task()
def weekly_screening(as_of: str | None = None) -> dict[str, Any]:
    """Screen every district with data; returns the counts per district (JSON-ready).

    ``as_of`` is an ISO date (task arguments must be JSON); default today in Copenhagen.
    """
    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    result: dict[str, Any] = {"as_of": day.isoformat(), "districts": {}}
    for district in districts_with_data():
        outcome = screening_run(as_of=day, district=district, trigger=Trigger.SCHEDULE)
        result["districts"][district.slug] = {
            "run": outcome.run.pk if outcome.run else None,
            "rule_set": outcome.version.version,
            "families_found": len(outcome.hits),
            "created": outcome.counts.get("created", 0),
            "updated": outcome.counts.get("updated", 0),
            "reopened": outcome.counts.get("reopened", 0),
        }
    return result
