"""The engine's core under Pyodide (Python compiled to WebAssembly, as xlwings Lite runs it).

Each bundled sample return is sent as the JSON an Excel client sends, with its registers in
sheets of their own; Pyodide under Node.js recognises, locates, checks, balances and plans
populate on it, and must give the same JSON, digit for digit, as CPython does on the same input.
Pyodide has no lxml, PyYAML or pandas here, so this also proves the core needs none of them.

Pyodide and its wheels come from tests/pyodide/setup.sh (.ci/run runs it).
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from bcf_addin.jsonout import loads

from excel_support import book_json, client_value

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent / "pyodide"
sys.path.insert(0, str(HERE))

import core_job  # noqa: E402  (beside this file, and imported by Pyodide too)


def _pyodide() -> tuple[str, Path, Path]:
    """node, Pyodide's folder and the wheels' folder; skipped (failed in CI) where one is missing."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed, so Pyodide cannot run here (install nodejs, then run "
                    "tests/pyodide/setup.sh)")
    cache = Path(os.environ.get("BCF_PYODIDE_CACHE") or ROOT / ".cache")
    pyodide = cache / "pyodide-node" / "node_modules" / "pyodide"
    wheels = sorted(cache.glob("pyodide-wheels-*/.complete"))
    if not (pyodide / "pyodide.mjs").is_file() or not wheels:
        message = f"Pyodide or its wheels are not in {cache}: run tests/pyodide/setup.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return node, pyodide, wheels[-1].parent


def _pasted(text: str):
    """A CSV field as Excel holds it once pasted: plain numbers become numbers."""
    try:
        return client_value(Decimal(text))
    except (InvalidOperation, TypeError):
        return text


def _sheet_of(register: Path) -> dict:
    with register.open(newline="", encoding="utf-8-sig") as fh:
        rows = [[_pasted(v) for v in row] for row in csv.reader(fh)]
    width = max(len(r) for r in rows)
    return {"name": register.stem[-31:], "values": [r + [""] * (width - len(r)) for r in rows]}


@pytest.fixture(scope="module")
def job(replicas, tmp_path_factory) -> Path:
    """Every bundled kind, empty with its sample registers in sheets, and populated from them."""
    out = {}
    for kind, (empty, populated, registers) in replicas.items():
        payload = book_json(empty)
        payload["sheets"] += [_sheet_of(r) for r in registers]
        out[f"{kind} with its registers"] = {"payload": payload, "registers": [r.stem[-31:] for r in registers]}
        if populated:
            out[f"{kind} populated"] = {"payload": book_json(populated), "registers": []}
    path = tmp_path_factory.mktemp("pyodide") / "job.json"
    path.write_text(json.dumps(out), encoding="utf-8")
    return path


def test_pyodide_gives_the_same_json_as_cpython_on_every_bundled_sample(job):
    node, pyodide, wheels = _pyodide()
    ran = subprocess.run([node, str(HERE / "run.mjs"), str(pyodide), str(wheels), str(ROOT), str(job)],
                         capture_output=True, text=True, timeout=600)
    assert ran.returncode == 0, ran.stderr[-3000:]
    in_pyodide = loads(ran.stdout)
    in_cpython = loads(core_job.run(job.read_text(encoding="utf-8")))
    assert set(in_pyodide) == set(in_cpython) and len(in_cpython) == 7
    for name in in_cpython:
        assert in_pyodide[name] == in_cpython[name], name


def test_the_core_job_populates_from_register_sheets_as_bcf_populate_does_from_the_files(job, replicas):
    from bcf_addin import api

    results = loads(core_job.run(job.read_text(encoding="utf-8")))
    for kind, (empty, populated, registers) in replicas.items():
        mine = results[f"{kind} with its registers"]
        assert mine["kind"] == kind and mine["hwb"] == "Leicestershire"
        if not registers:
            continue
        from_files = api.populate(empty, registers, dry_run=True)
        assert [[w.sheet, w.ref, core_job.plain(w.value)] for p in from_files.tables for w in p.writes] == \
            [w for p in mine["populate"] for w in p["writes"]]
        assert mine["after_populate"]["balances"] == results[f"{kind} populated"]["balances"]
