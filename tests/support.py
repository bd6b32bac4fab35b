"""Constants and markers the tests share (conftest.py holds the fixtures)."""
from __future__ import annotations

import pytest

from bcf_addin import paths, recalc

SAMPLE_PLAN = paths.samples() / "leicestershire-2025-26-plan-schemes.csv"
CD_REGISTERS = sorted(paths.samples().glob("leicestershire-2025-26-cd-*.csv"))
EOY_REGISTERS = [paths.samples() / "leicestershire-2024-25-eoy-schemes.csv",
                 paths.samples() / "leicestershire-2024-25-eoy-income.csv"]
FIGURES = paths.reference() / "leicestershire-figures.csv"

needs_libreoffice = pytest.mark.skipif(
    not recalc.available(),
    reason="LibreOffice (soffice + python3-uno) is not installed; .ci/run installs it")
