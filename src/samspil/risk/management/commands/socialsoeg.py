"""`samspil socialsoeg scan|backtest|schedule`: the Socialsøg screening from the command line.

    samspil socialsoeg scan [--as-of DATE] [--district SLUG] [--format json] [--rule-set V]
                            [--dry-run]
    samspil socialsoeg backtest --as-of DATE --rule-set A --compare B [--district SLUG]
                                [--format json]
    samspil socialsoeg schedule [--as-of DATE]   # enqueue the weekly task (cron/systemd timer)

Thin: parses arguments, calls the services, prints. The JSON of ``scan`` is the contract
``{"as_of", "rule_set", "hits": [{"caregivers", "children", "score", "clause", "journal_nos"}]}``
with person keys as imported and every list sorted (engine.screening_report).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from samspil.organisations.models import District
from samspil.risk.backtest import backtest_run
from samspil.risk.constants import Trigger
from samspil.risk.engine import FamilyHit
from samspil.risk.engine.records import screening_report
from samspil.risk.services import (
    ScreeningError,
    active_rule_set_version,
    districts_with_data,
    rule_set_version_for,
    screening_run,
)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = "Socialsøg: scan (screen and store hits), backtest (compare rule sets), schedule."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        scan = sub.add_parser("scan", help="Screen one district or all districts with data.")
        scan.add_argument("--as-of", type=_date, default=None)
        scan.add_argument("--district", default=None, help="district slug; default all")
        scan.add_argument("--format", choices=["text", "json"], default="text")
        scan.add_argument("--rule-set", default=None, help="version code; default the active")
        scan.add_argument("--dry-run", action="store_true", help="store no hits")
        backtest = sub.add_parser("backtest", help="Compare two rule sets on a past date.")
        backtest.add_argument("--as-of", type=_date, required=True)
        backtest.add_argument("--rule-set", required=True)
        backtest.add_argument("--compare", required=True)
        backtest.add_argument("--district", default=None)
        backtest.add_argument("--format", choices=["text", "json"], default="text")
        schedule = sub.add_parser("schedule", help="Enqueue the weekly screening task.")
        schedule.add_argument("--as-of", type=_date, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(**options)
        except (ScreeningError, ValidationError) as error:
            raise CommandError(" ".join(error.messages)) from None

    def _districts(self, slug: str | None) -> list[District]:
        if slug is None:
            return districts_with_data()
        district = District.objects.filter(slug=slug).first()
        if district is None:
            raise CommandError(f"unknown district: {slug}")
        return [district]

    def _scan(self, **options: Any) -> None:
        as_of = options["as_of"] or timezone.localdate()
        hits: list[FamilyHit] = []
        versions = set()
        rule_set = None
        lines = []
        for district in self._districts(options["district"]):
            version = (
                rule_set_version_for(code=options["rule_set"], district=district)
                if options["rule_set"]
                else active_rule_set_version(district=district)
            )
            outcome = screening_run(
                as_of=as_of, district=district, rule_set_version=version,
                trigger=Trigger.COMMAND, dry_run=options["dry_run"],
            )
            versions.add(version.version)
            rule_set = outcome.rule_set
            hits += outcome.hits
            counts = outcome.counts
            lines.append(
                f"{district.slug}: {len(outcome.hits)} families meet rule set {version.version} "
                f"on {as_of.isoformat()}; new {counts.get('created', 0)}, updated "
                f"{counts.get('updated', 0)}, reopened {counts.get('reopened', 0)}"
                + (" (dry run: nothing stored)" if options["dry_run"] else "")
            )
        if len(versions) > 1:
            raise CommandError(
                f"the districts screen with different rule sets ({', '.join(sorted(versions))}): "
                "give --district or --rule-set"
            )
        if options["format"] == "json":
            if rule_set is None:
                version = (
                    rule_set_version_for(code=options["rule_set"], district=None)
                    if options["rule_set"]
                    else active_rule_set_version(district=None)
                )
                rule_set = version.rule_set
            report = screening_report(rule_set, as_of, hits)
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        for line in lines or ["no district has incidents to screen"]:
            self.stdout.write(line)

    def _backtest(self, **options: Any) -> None:
        results = []
        for district in self._districts(options["district"]):
            a = rule_set_version_for(code=options["rule_set"], district=district)
            b = rule_set_version_for(code=options["compare"], district=district)
            comparison = backtest_run(
                actor=None, district=district, as_of=options["as_of"], version_a=a, version_b=b
            )
            results.append((district, comparison))
        if options["format"] == "json":
            data = [{"district": d.slug, **c.to_dict()} for d, c in results]
            payload: Any = data[0] if options["district"] and data else data
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for district, c in results:
            self.stdout.write(
                f"{district.slug} on {c.as_of.isoformat()}: {c.rule_set_a} {len(c.hits_a)} "
                f"families, {c.rule_set_b} {len(c.hits_b)}; gained {len(c.gained)}, lost "
                f"{len(c.lost)}, changed {len(c.changed)}"
            )

    def _schedule(self, **options: Any) -> None:
        from samspil.risk.tasks import weekly_screening

        as_of = options["as_of"].isoformat() if options["as_of"] else None
        result = weekly_screening.enqueue(as_of)
        self.stdout.write(f"weekly screening enqueued: task {result.id} ({result.status})")
