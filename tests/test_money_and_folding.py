"""Money is parsed exactly from what registers contain; labels fold the way templates drift."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bcf_addin.folding import best_choice, closest, fold
from bcf_addin.money import NotMoney, parse_money, percent, pounds

pence = st.integers(min_value=-10**13, max_value=10**13)


@given(pence, st.sampled_from([",", " ", "\u00a0"]))
def test_every_way_a_ledger_writes_an_amount_parses_to_the_same_pence(p, sep):
    amount = Decimal(p) / 100
    plain = f"{amount:.2f}"
    grouped = f"{abs(amount):,.2f}".replace(",", sep)
    whole = f"{abs(amount):,.0f}".replace(",", sep) if p % 100 == 0 else grouped
    if p >= 0:
        styles = [plain, f"£{grouped}", f" {grouped} ", f"£{whole}", f"{abs(amount):.1f}" if p % 10 == 0 else plain]
    else:
        styles = [plain, f"(£{grouped})", f"({grouped})", f"-£{grouped}", f"(£{whole})"]
    assert {parse_money(s) for s in styles} == {amount}


@pytest.mark.parametrize("text, why", [
    ("about 5k", "not an amount"), ("12..5", "not an amount"), ("1,2,3x", "not an amount"),
    ("nan", "not an amount"), ("Infinity", "not an amount"), ("5 k", "not an amount"),
    ("1.234,56", "continental"), ("1234,56", "continental"),
    ("12 345 678 9", "grouped in threes"), ("1,2,3,4", "grouped in threes"), ("1,234 567", "one kind of separator"),
    ("(-1000)", "negative twice"), ("1_000", "not an amount"), ("1e5", "not an amount"), ("+5", "not an amount"),
    ("£1,234.567", "3 decimal places"), ("0.001", "3 decimal places"), ("1.500", "3 decimal places"),
    ("\u0661\u0662", "not an amount"), ("1.", "not an amount"), ("()", "not an amount"),
])
def test_text_that_is_not_money_is_refused_saying_why(text, why):
    with pytest.raises(NotMoney, match=why):
        parse_money(text)


@pytest.mark.parametrize("text, value", [
    ("£1,234", "1234"), ("(1,234)", "-1234"), ("1234.00", "1234.00"), (" 12 ", "12"), ("1 234 567.5", "1234567.5"),
    ("1\u00a0234", "1234"), ("-£1,234.56", "-1234.56"), ("£-5", "-5"), ("(£1,234)", "-1234"), ("-", "0"),
    ("1234567", "1234567"), ("0.5", "0.5"),
])
def test_what_ledgers_write_is_read_exactly(text, value):
    assert parse_money(text) == Decimal(value)


def test_numbers_from_a_spreadsheet_are_refused_with_a_fraction_of_a_penny():
    assert parse_money(Decimal("1239.56")) == Decimal("1239.56") and parse_money(Decimal("1239.5600")) == Decimal("1239.56")
    assert parse_money(Decimal("1E+3")) == 1000 and parse_money(7) == 7
    for value in (Decimal("1239.568"), Decimal("0.001"), Decimal("123456789012345678901234567890.5671")):
        with pytest.raises(NotMoney, match="fraction of a penny"):
            parse_money(value)


def test_blank_is_no_amount_and_floats_are_refused():
    assert parse_money("") is None and parse_money(None) is None and parse_money("£ ") is None
    with pytest.raises(TypeError):
        parse_money(0.1)


def test_pounds_and_percent_for_display_only():
    assert pounds(Decimal("294616")) == "£294,616" and pounds(Decimal("-1.5")) == "-£1.50"
    assert percent(Decimal(4470849), Decimal(5518288)).quantize(Decimal("0.01")) == Decimal("81.02")
    assert percent(Decimal(1), Decimal(0)) is None


@pytest.mark.parametrize("a, b", [
    ("Short-term  Home\nCare:", "short term home care"),
    ("Expenditure for\n2025–26 (£)", "Expenditure for 2025-26 (£)"),
    ("‘Other’", "'other'"),
    ("Scheme ID*", "scheme id"),
])
def test_labels_fold_alike(a, b):
    assert fold(a) == fold(b)


def test_dropdown_values_take_the_lists_own_spelling_and_old_names():
    values = ["NHS Minimum Contribution", "Local Authority Better Care Grant", "DFG"]
    aliases = {"iBCF": "Local Authority Better Care Grant", "Minimum NHS Contribution": "NHS Minimum Contribution"}
    assert best_choice(" nhs minimum  contribution", values, aliases) == "NHS Minimum Contribution"
    assert best_choice("IBCF", values, aliases) == "Local Authority Better Care Grant"
    assert best_choice("Better Care Grant", values, aliases) is None
    assert closest("Local Authority Better Care Grnt", values) == "Local Authority Better Care Grant"
