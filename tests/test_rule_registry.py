"""The rule catalogue: every rule a family module defines is registered, once, under its family."""
from __future__ import annotations

import importlib
import pkgutil

import pytest

from bcf_addin.checks import rules as family_modules
from bcf_addin.checks.registry import NARRATIVE_RULES, RULES, WORKBOOK_RULES
from bcf_addin.checks.rule import Family, Rule


def defined() -> dict[str, list[Rule]]:
    """Every Rule object at the top level of each family module, whether or not it is listed in RULES."""
    found = {}
    for info in pkgutil.iter_modules(family_modules.__path__):
        module = importlib.import_module(f"{family_modules.__name__}.{info.name}")
        found[info.name] = [v for v in vars(module).values() if isinstance(v, Rule)]
    return found


def test_every_rule_defined_is_registered():
    missing = [f"{module}: {r.code}" for module, rules in defined().items() for r in rules if r not in RULES]
    assert not missing, "defined but not in its module's RULES: " + ", ".join(missing)


def test_codes_and_names_are_unique():
    codes = [r.code for r in RULES]
    names = [r.name for r in RULES]
    assert len(set(codes)) == len(codes) and len(set(names)) == len(names)


def test_one_module_per_family_named_for_it():
    for module, rules in defined().items():
        assert {r.family.value.replace(" ", "_").replace("-", "_") for r in rules} == {module}


def test_the_family_is_the_codes_letter():
    assert {r.code: r.family for r in RULES if r.code in ("C101", "X601", "S401")} == {
        "C101": Family.COMPLETENESS, "X601": Family.CROSS_SHEET, "S401": Family.MINIMUM_SPEND}
    with pytest.raises(ValueError, match="Q999"):
        Rule(code="Q999", name="nothing", severity=RULES[0].severity, title="t", what="w", why="y",
             example="e", fix="f", check=lambda ctx, rule: ())


def test_the_workbook_and_narrative_rules_are_apart():
    assert {r.family for r in NARRATIVE_RULES} == {Family.NARRATIVE}
    assert Family.NARRATIVE not in {r.family for r in WORKBOOK_RULES}
