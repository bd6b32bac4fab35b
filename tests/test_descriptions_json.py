"""The descriptions' JSON copies, which Python without PyYAML (xlwings Lite) loads instead."""
from __future__ import annotations

import json
import shutil
import sys

import pytest
import yaml

from bcf_addin import paths
from bcf_addin.descriptions import generated, loader
from bcf_addin.errors import BcfError

KINDS = loader.available_kinds()


@pytest.mark.parametrize("kind", KINDS)
def test_each_json_copy_holds_exactly_what_its_yaml_says(kind):
    source = paths.descriptions() / f"{kind}.yaml"
    stored = json.loads(generated.json_path(source).read_text(encoding="utf-8"))
    assert stored["yaml_sha256"] == generated.digest(source), f"run `{generated.REGENERATE}`"
    assert stored["description"] == yaml.safe_load(source.read_text(encoding="utf-8"))


@pytest.fixture
def no_pyyaml(monkeypatch):
    """Python as xlwings Lite has it: `import yaml` fails."""
    monkeypatch.setitem(sys.modules, "yaml", None)
    loader.load.cache_clear()
    yield
    loader.load.cache_clear()


@pytest.mark.parametrize("kind", KINDS)
def test_without_pyyaml_every_description_loads_the_same(kind, no_pyyaml):
    from_json = loader.load(kind)
    sys.modules.pop("yaml")
    loader.load.cache_clear()
    assert loader.load(kind) == from_json


def test_a_description_edited_after_its_json_copy_is_refused_by_name(descriptions_folder, no_pyyaml):
    desc = descriptions_folder / "eoy-2024-25.yaml"
    desc.write_text(desc.read_text(encoding="utf-8").replace("name:", "name:  ", 1), encoding="utf-8")
    with pytest.raises(BcfError) as err:
        loader.load("eoy-2024-25")
    assert err.value.file == str(desc)
    assert "edited after its JSON copy" in err.value.message and generated.REGENERATE in err.value.hint


def test_a_description_without_a_json_copy_says_how_to_make_one(descriptions_folder, no_pyyaml):
    generated.json_path(descriptions_folder / "cd-2025-26.yaml").unlink()
    with pytest.raises(BcfError, match="has no JSON copy"):
        loader.load("cd-2025-26")


def test_regenerating_makes_a_copy_that_loads(descriptions_folder, no_pyyaml, monkeypatch):
    desc = descriptions_folder / "cd-2025-26.yaml"
    desc.write_text(desc.read_text(encoding="utf-8") + "\n# a comment added\n", encoding="utf-8")
    monkeypatch.delitem(sys.modules, "yaml")     # regenerating is done where PyYAML is installed
    generated.main([str(descriptions_folder)])
    monkeypatch.setitem(sys.modules, "yaml", None)
    assert loader.load("cd-2025-26").kind == "cd-2025-26"

