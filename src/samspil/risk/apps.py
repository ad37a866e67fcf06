from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "samspil.risk"
    verbose_name = _("Socialsøg")

    def ready(self) -> None:
        # Re-screen the families around every new or changed incident, without incidents
        # importing this higher app (docs/ARCHITECTURE.md).
        from samspil.incidents.rules import register_incident_rule
        from samspil.risk.services import screen_after_incident

        register_incident_rule(screen_after_incident)
