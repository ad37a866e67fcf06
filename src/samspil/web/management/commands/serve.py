"""`samspil serve`: gunicorn on 127.0.0.1:8000 by default (SAMSPIL_BIND, SAMSPIL_WORKERS)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from gunicorn.app.base import BaseApplication

from samspil.core.env import env_int, env_str


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from samspil.wsgi import application

        return application


class Command(BaseCommand):
    help = "Serve Samspil with gunicorn (static files through whitenoise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=env_str("SAMSPIL_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=env_int("SAMSPIL_WORKERS", 3, minimum=1))

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Samspil: http://{options['bind']}/")
        _Gunicorn(
            {
                "bind": options["bind"],
                "workers": options["workers"],
                "threads": 4,
                "accesslog": "-",
                "timeout": 120,
                # Longer than a reverse proxy's (or a browser's) idle reuse of a connection:
                # gunicorn's 2 s default closes sockets the client is just reusing, and the
                # request is lost ("connection reset"; a 502 behind a proxy).
                "keepalive": env_int("SAMSPIL_KEEPALIVE_SECONDS", 75, minimum=1),
            }
        ).run()
