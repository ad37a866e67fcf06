"""`samspil retention run|schedule|rules`: erase what has passed its retention period.

    samspil retention run [--dry-run] [--as-of DATE] [--format json]
    samspil retention schedule        # enqueue the daily task (cron/systemd timer)
    samspil retention rules           # the periods in force and their legal sources

Thin: parses arguments, calls the retention service, prints a summary.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from samspil.operations.retention import RULES, audit_entries_past_retention, retention_run


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = "Retention: erase or list what has passed its retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="Apply the retention rules now.")
        run.add_argument("--dry-run", action="store_true", help="count, erase nothing")
        run.add_argument("--as-of", type=_date, default=None, help="YYYY-MM-DD; default today")
        run.add_argument("--format", choices=["text", "json"], default="text")
        schedule = sub.add_parser("schedule", help="Enqueue the daily retention task.")
        schedule.add_argument("--as-of", type=_date, default=None)
        sub.add_parser("rules", help="List the rules and their periods.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "rules":
            for rule in RULES:
                self.stdout.write(f"{rule.name:22} {rule.model:28} {rule.days():5d} "
                                  f"{_('days')}  {rule.legal_source}")
            return
        if action == "schedule":
            from samspil.operations.tasks import daily_retention

            as_of = options["as_of"].isoformat() if options["as_of"] else None
            result = daily_retention.enqueue(as_of=as_of)
            self.stdout.write(_("Retention task queued (%(id)s).") % {"id": result.id})
            return
        outcomes = retention_run(as_of=options["as_of"], dry_run=options["dry_run"])
        if options["format"] == "json":
            self.stdout.write(json.dumps({"dry_run": options["dry_run"],
                                          "rules": [o.as_dict() for o in outcomes]}, indent=2))
            return
        verb = _("would erase") if options["dry_run"] else _("erased")
        for outcome in outcomes:
            if outcome.skipped:
                self.stdout.write(f"{outcome.rule:22} {_('skipped')}: {outcome.skipped}")
                continue
            self.stdout.write(
                f"{outcome.rule:22} {verb} {outcome.erased}, "
                + _("kept (still referred to) %(n)d") % {"n": outcome.kept_referenced}
            )
        self.stdout.write(
            _("Audit entries older than five years: %(n)d (kept, see docs/SECURITY.md).")
            % {"n": audit_entries_past_retention()}
        )
