from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
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
        post_migrate.connect(ensure_rule_set_v1, sender=self)


def ensure_rule_set_v1(using: str = "default", **kwargs: Any) -> None:
    """Put the national rule set v1 back after a flush emptied what migration 0002 seeded."""
    import importlib

    from samspil.risk.models import RuleSetVersion

    if RuleSetVersion.objects.using(using).exists():
        return
    module = importlib.import_module("samspil.risk.migrations.0002_seed_rule_set_v1")
    RuleSetVersion.objects.using(using).create(
        version="v1", definition=module.V1, is_active=True,
        description="Socialsøg v1: the weights of the interchange category table.",
    )
