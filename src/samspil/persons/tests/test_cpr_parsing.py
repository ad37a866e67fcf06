from __future__ import annotations

from datetime import date

import pytest

from samspil.persons.cpr import CprError, parse_cpr


@pytest.mark.parametrize(
    ("text", "born"),
    [
        ("0101000000", date(1900, 1, 1)),  # digit 7 = 0: 1900s
        ("0101993999", date(1999, 1, 1)),  # digit 7 = 3: 1900s
        ("0101364000", date(2036, 1, 1)),  # digit 7 = 4, 00–36: 2000s
        ("0101374000", date(1937, 1, 1)),  # digit 7 = 4, 37–99: 1900s
        ("0101369000", date(2036, 1, 1)),  # digit 7 = 9, 00–36: 2000s
        ("0101379000", date(1937, 1, 1)),  # digit 7 = 9, 37–99: 1900s
        ("0101575000", date(2057, 1, 1)),  # digit 7 = 5, 00–57: 2000s
        ("0101585000", date(1858, 1, 1)),  # digit 7 = 5, 58–99: 1800s
        ("0101578000", date(2057, 1, 1)),  # digit 7 = 8, 00–57: 2000s
        ("0101588000", date(1858, 1, 1)),  # digit 7 = 8, 58–99: 1800s
    ],
)
def test_digit_seven_and_the_year_give_the_century(text, born):
    assert parse_cpr(text).birth_date == born


def test_a_number_with_or_without_hyphen_is_the_same_number():
    assert parse_cpr("120385-1238") == parse_cpr("1203851238")
    assert parse_cpr(" 120385-1238 ").formatted == "120385-1238"


def test_numbers_that_fail_modulus_11_are_accepted():
    cpr = parse_cpr("1203851238")
    assert not cpr.passes_modulus_11
    assert cpr.birth_date == date(1985, 3, 12)


def test_the_last_digit_gives_the_gender():
    assert parse_cpr("1203851237").gender == "M"
    assert parse_cpr("1203851238").gender == "F"


@pytest.mark.parametrize("text", ["3102851234", "0013851234", "2902011234", "0000001234"])
def test_numbers_whose_date_part_is_not_a_real_date_are_refused(text):
    with pytest.raises(CprError) as error:
        parse_cpr(text)
    assert error.value.code == "date"


def test_29_february_is_real_in_a_leap_year():
    assert parse_cpr("2902041234").birth_date == date(1904, 2, 29)
    assert parse_cpr("2902004234").birth_date == date(2000, 2, 29)


@pytest.mark.parametrize("text", ["", "12038512", "120385-12345", "12-0385-1238", "abcdefghij"])
def test_text_that_is_not_ten_digits_is_refused(text):
    with pytest.raises(CprError) as error:
        parse_cpr(text)
    assert error.value.code == "format"


def test_the_masked_form_hides_the_sequence_number():
    assert parse_cpr("1203851238").masked == "120385-xxxx"
