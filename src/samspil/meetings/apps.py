from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "samspil.meetings"
    verbose_name = _("Fora and meetings")

    def ready(self) -> None:
        # Disclosures on the person page and concerns following a merged person, without the
        # persons app importing this one (docs/ARCHITECTURE.md).
        from samspil.meetings.selectors import disclosure_timeline
        from samspil.meetings.services import concerns_move
        from samspil.persons.registry import register_person_mover, register_timeline_provider

        register_timeline_provider(disclosure_timeline)
        register_person_mover("meetings.concern", concerns_move)
