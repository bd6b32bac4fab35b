"""Money is parsed exactly from what registers contain; labels fold the way templates drift."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bcf_addin.folding import best_choice, closest, fold
from bcf_addin.money import NotMoney, parse_money, percent, pounds

pence = st.integers(min_value=-10**13, max_value=10**13)


@given(pence)
def test_every_way_a_ledger_writes_an_amount_parses_to_the_same_pence(p):
    amount = Decimal(p) / 100
    plain = f"{amount:.2f}"
    grouped = f"{abs(amount):,.2f}"
    styles = [plain, f"£{grouped}" if p >= 0 else f"(£{grouped})", f" {grouped} " if p >= 0 else f"({grouped})"]
    assert {parse_money(s) for s in styles} == {amount}


@pytest.mark.parametrize("text", ["about 5k", "12..5", "1,2,3x", "nan", "Infinity", "5 k"])
def test_text_that_is_not_money_is_refused(text):
    with pytest.raises(NotMoney):
        parse_money(text)


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
