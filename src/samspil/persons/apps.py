from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonsConfig(AppConfig):
    name = "samspil.persons"
    verbose_name = _("Persons")

    def ready(self) -> None:
        # Relations move with the merge service itself, so this app registers no person mover.
        from samspil.persons.registry import register_timeline_provider
        from samspil.persons.timeline import person_timeline

        register_timeline_provider(person_timeline)
