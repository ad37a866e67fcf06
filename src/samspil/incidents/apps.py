from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "samspil.incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        # Hang incidents on the person page and on person merges without persons importing us.
        from samspil.incidents.selectors import incident_timeline
        from samspil.incidents.services import involvements_move
        from samspil.persons.registry import register_person_mover, register_timeline_provider

        register_timeline_provider(incident_timeline)
        register_person_mover("incidents.involvement", involvements_move)
