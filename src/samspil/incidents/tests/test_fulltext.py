"""Full-text search in narratives, on whichever database the suite runs against (CI runs both).

PostgreSQL stems with its `danish` configuration; SQLite's FTS5 has no Danish stemmer, so a
query word becomes a prefix after a light suffix strip (incidents/fulltext.py explains both)."""

from __future__ import annotations

import pytest
from django.db import connection

from samspil.access.constants import Purpose
from samspil.audit.models import AuditEntry
from samspil.incidents.fulltext import fts5_match_expression, words
from samspil.incidents.selectors import incident_search
from samspil.incidents.services import incident_update

pytestmark = pytest.mark.django_db


def _found(user, text):
    return [i.journal_no for i in incident_search(user=user, text=text,
                                                  purpose=Purpose.CASEWORK, limit=50)]


@pytest.fixture
def narratives(register):
    return {
        "knallert": register(narrative="Knallerten blev fundet ved havnen.").journal_no,
        "cykel": register(narrative="En cykel var stjålet fra skolen.").journal_no,
        "brand": register(narrative="Brand i en container bag hallen.").journal_no,
    }


def test_a_danish_word_finds_its_inflected_form_in_a_narrative(officer, narratives):
    assert _found(officer, "knallert") == [narratives["knallert"]]
    assert _found(officer, "Knallerten") == [narratives["knallert"]]
    assert _found(officer, "knallerter") == [narratives["knallert"]]


def test_all_words_must_match(officer, narratives):
    assert _found(officer, "knallert havnen") == [narratives["knallert"]]
    assert _found(officer, "knallert skolen") == []


def test_danish_letters_are_searchable(officer, narratives):
    assert _found(officer, "stjålet") == [narratives["cykel"]]


def test_a_changed_narrative_is_found_by_its_new_words_only(officer, narratives, register):
    from samspil.incidents.models import Incident

    incident = Incident.objects.get(journal_no=narratives["brand"])
    incident_update(actor=officer, incident=incident, narrative="Graffiti på muren.")
    assert _found(officer, "graffiti") == [narratives["brand"]]
    assert _found(officer, "container") == []


def test_a_deleted_incident_leaves_the_index(officer, narratives):
    from samspil.incidents.models import Incident

    Incident.objects.filter(journal_no=narratives["cykel"]).delete()
    assert _found(officer, "cykel") == []


@pytest.mark.parametrize("text", ['"', "knallert*", 'NEAR(a b)', "narrative:x", "a OR", "-", "*",
                                  "(", "AND", "'; DROP TABLE incidents_incident; --"])
def test_query_syntax_from_the_user_is_treated_as_words(officer, narratives, text):
    _found(officer, text)  # must not raise a database error


def test_a_search_is_logged_with_what_was_asked(officer, narratives):
    _found(officer, "knallert")
    entry = AuditEntry.objects.get(action="search")
    assert entry.reason == "incident search: text=knallert"
    assert entry.object_type == "incidents.incident"


def test_the_match_expression_quotes_every_word():
    assert fts5_match_expression('knallerten "OR" NEAR(') == '"knallert"* AND "or"* AND "near"*'
    assert fts5_match_expression("  ") == ""
    assert words("Hærværk, 2 knive!") == ["hærværk", "2", "knive"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgresql_uses_the_gin_index_for_the_search(officer, narratives):
    from samspil.incidents.fulltext import filter_narrative
    from samspil.incidents.models import Incident

    sql, params = filter_narrative(Incident.objects.all(), "knallert").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "incidents_incident_narrative_fts" in plan
