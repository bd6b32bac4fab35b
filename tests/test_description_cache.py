"""Validated descriptions kept in the user's cache folder, read back without validating again.

A kept copy must give exactly the description validation gives, and must never be used once
its file, a file it extends, or the code that validates it has changed, nor when it is damaged.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest

from bcf_addin.descriptions import reading, validated
from bcf_addin.descriptions.loader import available_kinds, load

KINDS = available_kinds()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    load.cache_clear()
    yield folder / "bcf-addin" / "descriptions"
    load.cache_clear()


def _kept(path):
    return validated._entry_path(path)


@pytest.mark.parametrize("kind", KINDS)
def test_a_kept_description_is_exactly_the_validated_one(kind, cache, descriptions_folder, monkeypatch):
    fresh = load(kind)
    assert _kept(descriptions_folder / f"{kind}.yaml").is_file()
    load.cache_clear()
    monkeypatch.setattr(reading, "_validate", lambda path: pytest.fail("validated again"))
    kept = reading.bundled_entry(kind)
    assert kept.description == fresh
    assert repr(kept.description) == repr(fresh)        # types too: Decimal('1E+5') stays as written


def test_the_second_read_does_not_validate(cache, descriptions_folder, monkeypatch):
    load("planning-2025-26")
    load.cache_clear()
    monkeypatch.setattr(reading, "_validate", lambda path: pytest.fail("validated again"))
    assert load("planning-2025-26").kind == "planning-2025-26"


def test_an_edited_description_is_validated_afresh(cache, descriptions_folder):
    path = descriptions_folder / "eoy-2024-25.yaml"
    assert load("eoy-2024-25").name == "Better Care Fund 2024-25 EOY Reporting Template"
    _edit(path, "name: Better Care Fund 2024-25 EOY Reporting Template", "name: Edited")
    load.cache_clear()
    assert load("eoy-2024-25").name == "Edited"


def test_an_edited_description_it_extends_is_read_afresh(cache, descriptions_folder):
    # Q1 is written as changes to Q2: a change to Q2 must show in Q1 though Q1's file is as it was.
    assert load("quarterly-2024-25-q1").submission_name == "{hwb} HWB"
    _edit(descriptions_folder / "quarterly-2024-25-q2.yaml", 'submission_name: "{hwb} HWB"',
          'submission_name: "{hwb} edited"')
    load.cache_clear()
    assert load("quarterly-2024-25-q1").submission_name == "{hwb} edited"


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_changed_code_makes_every_kept_copy_stale(cache, descriptions_folder, monkeypatch):
    load("cd-2025-26")
    load.cache_clear()
    monkeypatch.setattr(validated, "code_digest", lambda: "other code")
    validations = []
    real = reading._validate
    monkeypatch.setattr(reading, "_validate", lambda path: validations.append(path) or real(path))
    assert load("cd-2025-26").kind == "cd-2025-26"
    assert validations == [descriptions_folder / "cd-2025-26.yaml"]


@pytest.mark.parametrize("damage", ["not json", "wrong shape", "unknown class", "not a description"])
def test_a_damaged_kept_copy_is_passed_over(damage, cache, descriptions_folder):
    fresh = load("planning-2025-26")
    kept = _kept(descriptions_folder / "planning-2025-26.yaml")
    head, description = kept.read_text(encoding="utf-8").split("\n")
    if damage == "not json":
        kept.write_text("{", encoding="utf-8")
    elif damage == "wrong shape":
        kept.write_text(json.dumps({**json.loads(head), "parents": 3}) + "\n" + description, encoding="utf-8")
    elif damage == "unknown class":
        assert '"$": "Finance"' in description
        kept.write_text(head + "\n" + description.replace('"$": "Finance"', '"$": "os.system"'), encoding="utf-8")
    else:
        kept.write_text(head + "\n" + json.dumps({"$decimal": "1"}), encoding="utf-8")
    load.cache_clear()
    assert load("planning-2025-26") == fresh


def test_an_invalid_description_is_never_kept(cache, descriptions_folder):
    from bcf_addin.descriptions.reading import DescriptionError

    path = descriptions_folder / "cd-2025-26.yaml"
    _edit(path, "\nkind: cd-2025-26", "\nkind: CD 2025")
    for _ in range(2):
        with pytest.raises(DescriptionError, match="kind is a lower-case name"):
            reading.load_file(path)
    assert not _kept(path).exists()


def test_a_cache_that_cannot_be_written_is_passed_over(tmp_path, monkeypatch, descriptions_folder):
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    load.cache_clear()
    assert load("planning-2025-26").kind == "planning-2025-26"


def test_a_key_of_the_description_like_a_marker_is_kept_as_written():
    data = {"$": "Finance", "$map": [1], "$decimal": "2", "plain": Decimal("1.50")}
    assert json.loads(json.dumps(validated._encoded(data)), object_hook=validated._decoded) == data


def test_bcf_check_needs_no_pydantic_once_descriptions_are_kept(cache, populated_plan):
    code = ("import sys; from bcf_addin.api import check; check(sys.argv[1]); "
            "print('pydantic' in sys.modules)")
    env = {k: v for k, v in os.environ.items() if k != "LOCALAPPDATA"}
    env["XDG_CACHE_HOME"] = str(cache.parent.parent)
    runs = [subprocess.run([sys.executable, "-c", code, str(populated_plan)], capture_output=True, text=True,
                           env=env) for _ in range(2)]
    assert [r.stdout.strip() for r in runs] == ["True", "False"], [r.stderr for r in runs]
