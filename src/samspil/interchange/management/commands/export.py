"""`samspil export PATH [--district SLUG] [--from DATE] [--to DATE]`: write a bundle."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from samspil.accounts.models import User
from samspil.interchange.services import bundle_export
from samspil.organisations.models import District


class Command(BaseCommand):
    help = ("Export incidents (of a district and period), their involvements, the persons "
            "involved and the relations among them as a bundle: a folder, or a .zip when PATH "
            "ends in .zip. CPR numbers are exported in full; the export is audited.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--district", metavar="SLUG")
        parser.add_argument("--from", dest="date_from", type=date.fromisoformat,
                            metavar="YYYY-MM-DD", help="First day (incidents' Copenhagen date).")
        parser.add_argument("--to", dest="date_to", type=date.fromisoformat,
                            metavar="YYYY-MM-DD", help="Last day, inclusive.")
        parser.add_argument("--user", metavar="USERNAME",
                            help="The user the export is made for (audit trail).")
        parser.add_argument("--language", choices=[code for code, _ in settings.LANGUAGES])

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"] or settings.LANGUAGE_CODE):
            district = None
            if options["district"]:
                district = District.objects.filter(slug=options["district"]).first()
                if district is None:
                    raise CommandError(_("There is no police district %(slug)s.")
                                       % {"slug": options["district"]})
            actor = None
            if options["user"]:
                actor = User.objects.filter(username=options["user"]).first()
                if actor is None:
                    raise CommandError(_("There is no user %(name)s.") % {"name": options["user"]})
            if options["date_from"] and options["date_to"] \
                    and options["date_from"] > options["date_to"]:
                raise CommandError(_("The end date is before the start date."))
            result = bundle_export(actor=actor, path=options["path"], district=district,
                                   date_from=options["date_from"], date_to=options["date_to"])
            for name, count in result.counts.items():
                self.stdout.write(_("%(file)s: %(n)d rows") % {"file": name, "n": count})
            self.stdout.write(_("Exported to %(path)s (SHA-256 %(sha)s).")
                              % {"path": result.path, "sha": result.sha256})
