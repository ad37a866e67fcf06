from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
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
        post_migrate.connect(ensure_default_categories, sender=self)


def ensure_default_categories(using: str = "default", **kwargs: Any) -> None:
    """Put the taxonomy back after a flush emptied the table migration 0003 filled (Django emits
    post_migrate after flush, as it does to restore content types)."""
    import importlib

    from samspil.incidents.models import IncidentCategory

    categories = IncidentCategory.objects.using(using)
    if categories.exists():
        return
    module = importlib.import_module("samspil.incidents.migrations.0003_default_categories")
    categories.bulk_create(
        IncidentCategory(code=code, label_da=label_da, label_en=label_en,
                         crime_class=crime_class, risk_weight=weight, psp=psp)
        for code, label_da, label_en, crime_class, weight, psp in module.CATEGORIES
    )
