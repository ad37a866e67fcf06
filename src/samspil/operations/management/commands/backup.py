"""`samspil backup PATH`: the whole database and its manifest in one tar file (docs/SECURITY.md).

The CPR key and the secret key are not in the backup: back up SAMSPIL_CPR_KEY_FILE separately.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from samspil.operations.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database (pg_dump or SQLite's online backup) with a manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the backup file to write, e.g. samspil.tar")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_create(path=options["path"], using=options["database"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("Backup written to %(path)s: %(vendor)s, %(bytes)d bytes, audit chain at "
              "entry #%(seq)d. The CPR key is not in the backup: keep it safe separately.")
            % {"path": options["path"], "vendor": manifest["vendor"],
               "bytes": manifest["data_bytes"], "seq": manifest["audit_head"]["seq"]}
        )
