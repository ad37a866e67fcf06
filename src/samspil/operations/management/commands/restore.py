"""`samspil restore PATH`: replace the database with a backup and verify the audit chain.

Stop the web server and the workers first. Exits non-zero when the backup does not fit this
installation (another database vendor, a newer Samspil, another CPR key) or when the restored
audit chain does not verify.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from samspil.operations.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore the database from a backup made with `samspil backup`, then verify it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="a backup file written by samspil backup")
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--allow-other-cpr-key", action="store_true",
            help="restore although the CPR key differs (CPR numbers will be unreadable)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(_("No backup file at %(path)s.") % {"path": path})
        try:
            result = backup_restore(path=path, using=options["database"],
                                    allow_other_cpr_key=options["allow_other_cpr_key"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("Restored the backup of %(created)s; the audit chain is intact: %(n)d entries "
              "checked.") % {"created": result.manifest["created_at"],
                             "n": result.verification.checked}
        )
        if result.missing_migrations:
            self.stdout.write(
                _("The backup is from an older Samspil: run `samspil migrate` now.")
            )
