from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "samspil.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # Lower apps know nothing of cases: the rules, the person timeline and person merges
        # reach this app through the extension points they declare.
        from samspil.cases.rules import ukn_screening_rule, victim_followup_rule
        from samspil.cases.selectors import case_timeline
        from samspil.cases.services import case_participants_move, cases_move
        from samspil.incidents.rules import register_incident_rule
        from samspil.persons.registry import register_person_mover, register_timeline_provider

        register_incident_rule(ukn_screening_rule)
        register_incident_rule(victim_followup_rule)
        register_timeline_provider(case_timeline)
        register_person_mover("cases.case", cases_move)
        register_person_mover("cases.caseparticipant", case_participants_move)
