"""`samspil report --district SLUG --year YEAR --format json|html|pdf|csv [--out PATH]`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from samspil.organisations.models import District
from samspil.reports import output

FORMATS = ("json", "html", "pdf", "csv")


class Command(BaseCommand):
    help = ("The annual report of a police district: JSON as interchange.md defines it, the counts "
            "behind every table as CSV, or the readable report as HTML or PDF.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", required=True, metavar="SLUG",
                            help="The police district, e.g. midt-vestsjaelland.")
        parser.add_argument("--year", required=True, type=int, help="The calendar year.")
        parser.add_argument("--format", choices=FORMATS, default="json", dest="output_format")
        parser.add_argument("--out", type=Path, metavar="PATH",
                            help="Write to this file instead of standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        district = District.objects.filter(slug=options["district"]).first()
        if district is None:
            known = ", ".join(District.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(_("There is no district %(slug)s (known: %(known)s).")
                               % {"slug": options["district"], "known": known})
        year: int = options["year"]
        if not 1900 <= year <= 9998:
            raise CommandError(_("The year must be between 1900 and 9998."))
        fmt = options["output_format"]
        content: bytes
        if fmt == "json":
            content = output.render_json(district, year).encode()
        else:
            figures = output.annual_figures(district, year)
            if fmt == "csv":
                content = output.render_csv(figures).encode()
            elif fmt == "html":
                content = output.render_html(figures).encode()
            else:
                content = output.render_pdf(figures)
        if options["out"]:
            options["out"].write_bytes(content)
        elif fmt == "pdf":
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
        else:
            self.stdout.write(content.decode(), ending="")
