"""The daily retention run as a django-tasks background task.

django-tasks has no scheduler: production enqueues it once a day (e.g. 02:30 from a systemd timer
or cron) with ``samspil retention schedule``, and a worker (``samspil db_worker``) runs it.
``samspil retention run`` runs it in the foreground.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django_tasks import task

from samspil.operations.retention import retention_run


@task()
def daily_retention(as_of: str | None = None, dry_run: bool = False) -> dict[str, Any]:
    """Erase what has expired; returns the counts per rule (JSON-ready, no ids)."""
    day = date.fromisoformat(as_of) if as_of else None
    outcomes = retention_run(as_of=day, dry_run=dry_run)
    return {"as_of": as_of, "dry_run": dry_run, "rules": [o.as_dict() for o in outcomes]}
