from __future__ import annotations

import pytest
from django.db import connection

from samspil.incidents import rules
from samspil.incidents.models import Incident

# A plain django_db test is enough: the service's atomic block is a savepoint inside the test's
# transaction, so a rule's failure rolling back the incident shows they share one transaction.
pytestmark = pytest.mark.django_db


@pytest.fixture
def rule_registry():
    saved = list(rules._RULES)
    yield rules
    rules._RULES[:] = saved


def test_the_rules_see_the_new_incident_inside_the_registering_transaction(rule_registry,
                                                                            register, officer):
    seen = []

    def rule(*, incident_ids, actor):
        seen.append((list(incident_ids), actor, len(connection.atomic_blocks) >= 2,
                     list(Incident.objects.filter(pk__in=incident_ids)
                          .values_list("journal_no", flat=True))))

    rule_registry.register_incident_rule(rule)
    incident = register(journal_no="0100-12345-00077-25")
    assert seen == [([incident.pk], officer, True, ["0100-12345-00077-25"])]


def test_a_failing_rule_rolls_the_incident_back(rule_registry, register, suspect):
    def rule(*, incident_ids, actor):
        raise RuntimeError("the rule failed")

    rule_registry.register_incident_rule(rule)
    with pytest.raises(RuntimeError):
        register(involvements=[(suspect, "suspect")])
    assert not Incident.objects.exists()
