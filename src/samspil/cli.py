"""The `samspil` command: Django's management commands with Samspil's settings.

`samspil migrate`, `samspil demo`, `samspil serve`, `samspil import PATH`, … A configuration
problem stops start-up with one line naming the setting, never a traceback.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.settings")
    from samspil.core.env import ConfigurationError

    try:
        import django

        django.setup()
    except ConfigurationError as error:
        print(f"samspil: configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None

    from django.core.management import execute_from_command_line

    execute_from_command_line(["samspil", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
