"""`samspil import PATH [--dry-run]`: check a bundle and import it, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samspil.accounts.models import User
from samspil.interchange.progress import CommandProgress
from samspil.interchange.selectors import OrganisationChoiceError, importing_organisation
from samspil.interchange.services import ImportResult, bundle_import


class Command(BaseCommand):
    help = ("Import a bundle (a folder or a .zip of persons.csv, relations.csv, incidents.csv, "
            "involvements.csv). All or nothing: every problem is listed and nothing is written.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The bundle: a folder or a .zip file.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Check the bundle and report; write nothing.")
        parser.add_argument("--organisation", metavar="SLUG",
                            help="The organisation that owns the imported rows.")
        parser.add_argument("--district", metavar="SLUG",
                            help="Without --organisation: the police organisation of this district.")
        parser.add_argument("--user", metavar="USERNAME",
                            help="The user the import is done for (audit trail); their "
                                 "organisation owns the rows unless --organisation is given.")
        parser.add_argument("--language", choices=[code for code, _ in settings.LANGUAGES],
                            help="Language of the messages (default: the site's).")
        parser.add_argument("--synthetic", action="store_true",
                            help="Mark the imported rows as fictitious (demo, test, benchmark).")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"] or settings.LANGUAGE_CODE):
            self._handle(options)

    def _handle(self, options: dict[str, Any]) -> None:
        actor = None
        if options["user"]:
            actor = User.objects.select_related("organisation").filter(
                username=options["user"]).first()
            if actor is None:
                raise CommandError(_("There is no user %(name)s.") % {"name": options["user"]})
        try:
            if actor is not None and not options["organisation"] and not options["district"]:
                if actor.organisation is None:
                    raise OrganisationChoiceError(_("The user belongs to no organisation."))
                organisation = actor.organisation
            else:
                organisation = importing_organisation(
                    organisation_slug=options["organisation"], district_slug=options["district"])
        except OrganisationChoiceError as error:
            raise CommandError(str(error)) from None
        verbose = options["verbosity"] >= 2
        with CommandProgress(self.stdout, echo_stages=verbose) as progress:
            result = bundle_import(actor=actor, path=options["path"], organisation=organisation,
                                   dry_run=options["dry_run"], is_synthetic=options["synthetic"],
                                   progress=progress)
        if not result.ok:
            self._fail(result)
        self._summary(result)

    def _fail(self, result: ImportResult) -> None:
        for problem in result.problems_shown:
            self.stderr.write(str(problem))
        hidden = result.problem_count - len(result.problems_shown)
        if hidden:
            self.stderr.write(ngettext("… and %(n)d more problem not shown.",
                                       "… and %(n)d more problems not shown.", hidden)
                              % {"n": hidden})
        raise CommandError(
            ngettext("%(n)d problem in the bundle; nothing was imported.",
                     "%(n)d problems in the bundle; nothing was imported.", result.problem_count)
            % {"n": result.problem_count}
        )

    def _summary(self, result: ImportResult) -> None:
        def show(value: int | None) -> str:
            return "–" if value is None else str(value)

        for name, counts in result.counts.items():
            self.stdout.write(
                _("%(file)s: %(rows)s rows, %(created)s new, %(updated)s changed, "
                  "%(unchanged)s unchanged")
                % {"file": name, "rows": counts.rows, "created": show(counts.created),
                   "updated": show(counts.updated), "unchanged": show(counts.unchanged)})
        if result.dry_run:
            self.stdout.write(_("Dry run: the bundle has no problems. Nothing was written."))
        else:
            self.stdout.write(_("Imported bundle %(name)s (SHA-256 %(sha)s).")
                              % {"name": result.bundle, "sha": result.sha256})
