"""`samspil demo`: build (or refresh) the demo district. Only builds data; serves nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from samspil.accounts.models import User
from samspil.accounts.services import backup_codes_issue
from samspil.demo.build import demo_build
from samspil.demo.organisations import DEMO_PASSWORD, PRINTED_LOGINS


class Command(BaseCommand):
    help = "Build the fictitious demo district Midt- og Vestsjælland. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2025, help="Seed of the generator.")
        parser.add_argument(
            "--quiet-logins", action="store_true", help="Do not print the demo logins."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        demo_build(seed=options["seed"], say=lambda line: self.stdout.write(f"  {line}"))
        self.stdout.write(_("The demo district Midt- og Vestsjælland is ready (fictitious data)."))
        self._print_logins(quiet=options["quiet_logins"])

    def _print_logins(self, *, quiet: bool) -> None:
        lines = [
            _("Demo logins (fictitious users). Password for all: %(password)s")
            % {"password": DEMO_PASSWORD},
            _("Second factor: type one of the user's one-time backup codes (each works once)."),
            "",
        ]
        for username in PRINTED_LOGINS:
            user = User.objects.select_related("organisation").get(username=username)
            codes = backup_codes_issue(actor=None, user=user, count=5)
            role = ", ".join(str(label) for label in user.roles.all())
            lines.append(f"  {username:<24} {role:<28} {user.organisation}")
            lines.append(f"  {'':<24} " + _("backup codes: %(codes)s") % {"codes": " ".join(codes)})
        text = "\n".join(lines) + "\n"
        logins_file = Path(settings.VAR_DIR) / "demo-logins.txt"
        logins_file.parent.mkdir(parents=True, exist_ok=True)
        logins_file.write_text(text, encoding="utf-8")
        logins_file.chmod(0o600)
        if not quiet:
            self.stdout.write(text)
