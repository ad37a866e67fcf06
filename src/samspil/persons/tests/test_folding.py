from __future__ import annotations

from samspil.persons.folding import duplicate_key, fold, name_tokens
from samspil.persons.services import name_index_values


def test_danish_letters_fold_to_their_two_letter_spelling():
    assert fold("Søren Åge Ærø") == "soeren aage aeroe"
    assert fold("Soeren Aage Aeroe") == fold("Søren Åge Ærø")


def test_accents_hyphens_and_apostrophes_are_folded_away():
    assert fold("Müller-Hansen") == "mueller hansen"
    assert fold("José D'Angelo") == "jose d angelo"


def test_middle_names_do_not_change_the_duplicate_key():
    assert duplicate_key("Søren Åge", "Hansen") == duplicate_key("Soeren", "Hansen")
    assert duplicate_key("Søren", "Müller-Hansen") == "soeren hansen"
    assert duplicate_key("Søren", "Hansen") != duplicate_key("Søren", "Jensen")


def test_name_index_values_gives_folded_name_key_and_unique_tokens():
    folded, key, tokens = name_index_values("Anne Marie", "Hansen-Hansen")
    assert folded == "anne marie hansen hansen"
    assert key == "anne hansen"
    assert tokens == ["anne", "hansen", "marie"]
    assert name_tokens("") == []
