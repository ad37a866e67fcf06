"""`samspil monitoring replay|subscribe|check-silence`: electronic monitoring from the command line.

* ``replay --orders ORDERS.json --positions POSITIONS.csv --format json`` prints the alerts the
  live monitor would raise (monitoring replay format, version 1). No database is touched. Bad
  input: one translated line per problem on stderr (file, line or path, column), exit code 2.
* ``subscribe [--host] [--port] [--topic]`` ingests positions published to the MQTT broker and
  runs the silence check every ``--silence-interval`` seconds; it reconnects for ever.
* ``check-silence [--loop SECONDS]`` raises lost_contact alerts for silent tags.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samspil.monitoring.replay import (
    ReplayInputError,
    alerts_to_json,
    check_orders,
    check_positions,
    replay,
)

EXIT_BAD_INPUT = 2
MAX_PROBLEMS_SHOWN = 100


def problem_line(error: ReplayInputError) -> str:
    return _(error.template) % error.params


class Command(BaseCommand):
    help = "Electronic monitoring: replay a track, subscribe to MQTT, check for silent tags."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES],
                            help="Language of the messages (default: the site's).")
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        replay_parser = actions.add_parser(
            "replay", help="Print the alerts a recorded track raises under the given orders.")
        replay_parser.add_argument("--orders", required=True, metavar="ORDERS.json")
        replay_parser.add_argument("--positions", required=True, metavar="POSITIONS.csv")
        replay_parser.add_argument("--format", choices=["json"], default="json")

        subscribe = actions.add_parser(
            "subscribe", help="Ingest positions published to the MQTT broker.")
        subscribe.add_argument("--host", default="127.0.0.1")
        subscribe.add_argument("--port", type=int, default=1883)
        subscribe.add_argument("--topic", default="samspil/positions/#")
        subscribe.add_argument("--username", default=None)
        subscribe.add_argument("--password-file", default=None,
                               help="A file holding the broker password.")
        subscribe.add_argument("--silence-interval", type=float, default=15.0,
                               help="Seconds between silence checks (default 15).")

        silence = actions.add_parser(
            "check-silence", help="Raise lost_contact alerts for tags that have gone silent.")
        silence.add_argument("--loop", type=float, default=0, metavar="SECONDS",
                             help="Repeat every SECONDS until stopped (default: once).")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"] or settings.LANGUAGE_CODE):
            action = options["action"]
            if action == "replay":
                self._replay(options)
            elif action == "subscribe":
                self._subscribe(options)
            else:
                self._check_silence(options)

    def _replay(self, options: dict[str, Any]) -> None:
        orders, problems = check_orders(options["orders"])
        positions, position_problems = check_positions(options["positions"])
        problems += position_problems
        if problems:
            for error in problems[:MAX_PROBLEMS_SHOWN]:
                self.stderr.write(problem_line(error))
            hidden = len(problems) - MAX_PROBLEMS_SHOWN
            if hidden > 0:
                self.stderr.write(ngettext("… and %(n)d more problem.",
                                           "… and %(n)d more problems.", hidden) % {"n": hidden})
            self.stderr.flush()
            sys.exit(EXIT_BAD_INPUT)
        result = alerts_to_json(replay(orders, positions))
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))

    def _subscribe(self, options: dict[str, Any]) -> None:
        from samspil.monitoring.mqtt import Subscriber

        logging.getLogger("samspil.monitoring").setLevel(logging.INFO)
        password = None
        if options["password_file"]:
            with open(options["password_file"], encoding="utf-8") as handle:
                password = handle.read().strip()
        subscriber = Subscriber(host=options["host"], port=options["port"],
                                topic=options["topic"], username=options["username"],
                                password=password, silence_interval=options["silence_interval"])
        signal.signal(signal.SIGTERM, lambda *_args: subscriber.stop())
        self.stdout.write(_("Subscribing to %(topic)s on %(host)s:%(port)d …") % {
            "topic": options["topic"], "host": options["host"], "port": options["port"]})
        try:
            subscriber.run()
        except KeyboardInterrupt:
            subscriber.close()

    def _check_silence(self, options: dict[str, Any]) -> None:
        from samspil.monitoring.services import silence_check

        while True:
            alerts = silence_check()
            self.stdout.write(ngettext("%(n)d lost-contact alert raised.",
                                       "%(n)d lost-contact alerts raised.", len(alerts))
                              % {"n": len(alerts)})
            if not options["loop"]:
                return
            time.sleep(options["loop"])
