"""Shared fixtures: Leicestershire replicas built from the descriptions, and the published sample."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from support import CD_REGISTERS, EOY_REGISTERS, SAMPLE_PLAN


@pytest.fixture(scope="session", autouse=True)
def _no_user_descriptions(tmp_path_factory):
    """The officer's own descriptions folder (~/.config/bcf-addin/descriptions) is not the tests' business."""
    import os

    from bcf_addin.descriptions.sources import USER_ENV

    before = os.environ.get(USER_ENV)
    os.environ[USER_ENV] = str(tmp_path_factory.mktemp("no-user-descriptions"))
    yield
    if before is None:
        os.environ.pop(USER_ENV, None)
    else:
        os.environ[USER_ENV] = before


REGIONAL_MANAGER = "better.care.manager@nhs.net"


@pytest.fixture(autouse=True)
def user_folder(tmp_path_factory, monkeypatch) -> Path:
    """The officer's own bcf-addin folder, one per test, never the real one; its config names a
    regional Better Care Manager."""
    from bcf_addin.userdirs import HOME_ENV

    folder = tmp_path_factory.mktemp("user")
    (folder / "config.yaml").write_text(f"regional_manager: {REGIONAL_MANAGER}\n", encoding="utf-8")
    monkeypatch.setenv(HOME_ENV, str(folder))
    return folder


@pytest.fixture(scope="session")
def _plan_template(tmp_path_factory) -> Path:
    from bcf_addin.api import new_replica

    out = tmp_path_factory.mktemp("replica") / "plan.xlsx"
    return new_replica("planning-2025-26", out, hwb="Leicestershire")


@pytest.fixture
def plan_template(_plan_template, tmp_path) -> Path:
    """A fresh Leicestershire planning-2025-26 replica, one per test."""
    dest = tmp_path / "Leicestershire plan.xlsx"
    shutil.copy(_plan_template, dest)
    return dest


@pytest.fixture(scope="session")
def _populated_plan(_plan_template, tmp_path_factory) -> Path:
    from bcf_addin.api import populate

    out = tmp_path_factory.mktemp("populated") / "plan-populated.xlsx"
    populate(_plan_template, [SAMPLE_PLAN], out=out)
    return out


@pytest.fixture
def populated_plan(_populated_plan, tmp_path) -> Path:
    """The Leicestershire replica with the 74 published scheme lines of 2025-26 populated."""
    dest = tmp_path / "Leicestershire HWB.xlsx"
    shutil.copy(_populated_plan, dest)
    return dest


@pytest.fixture(scope="session")
def _complete_plan(_populated_plan, tmp_path_factory) -> Path:
    from answers import answer_everything, balance_the_books

    folder = tmp_path_factory.mktemp("complete")
    answered = answer_everything(_populated_plan, folder / "answered.xlsx")
    return balance_the_books(answered, folder / "complete.xlsx")


@pytest.fixture
def complete_plan(_complete_plan, tmp_path) -> Path:
    """The Leicestershire plan with every question answered and every pound allocated."""
    dest = tmp_path / "complete.xlsx"
    shutil.copy(_complete_plan, dest)
    return dest


@pytest.fixture
def descriptions_folder(tmp_path, monkeypatch) -> Path:
    """A copy of the bundled descriptions that the tools load instead, for a test to change."""
    from bcf_addin import paths
    from bcf_addin.descriptions import loader

    folder = tmp_path / "descriptions"
    shutil.copytree(paths.descriptions(), folder)
    monkeypatch.setattr(paths, "descriptions", lambda: folder)
    loader.load.cache_clear()
    yield folder
    loader.load.cache_clear()


@pytest.fixture(scope="session")
def replicas(tmp_path_factory):
    """Every template kind, empty and populated from the Leicestershire samples."""
    from bcf_addin.api import new_replica, populate

    folder = tmp_path_factory.mktemp("kinds")
    out = {}
    for kind, registers in (("planning-2025-26", [SAMPLE_PLAN]), ("cd-2025-26", CD_REGISTERS),
                            ("eoy-2024-25", EOY_REGISTERS), ("quarterly-2024-25-q2", [])):
        empty = new_replica(kind, folder / f"{kind}.xlsx", hwb="Leicestershire")
        populated = None
        if registers:
            populated = folder / f"{kind}-populated.xlsx"
            populate(empty, registers, out=populated)
        out[kind] = (empty, populated, registers)
    return out


@pytest.fixture
def xw(monkeypatch):
    """xlwings with its remote engine, under the PolyForm Noncommercial licence."""
    from excel_support import LICENSE_ENV, remote_engine

    monkeypatch.setenv(LICENSE_ENV, "noncommercial")
    return remote_engine()


@pytest.fixture
def remote(xw):
    """Open a file as a remote Book, as a client would send it; closed after the test."""
    opened = []

    def open_(path, **kwargs):
        from excel_support import book_json

        book = xw.Book(json=book_json(path, **kwargs))
        opened.append(book)
        return book

    yield open_
    for book in opened:
        try:
            book.close()
        except Exception:
            pass


@pytest.fixture
def ribbon_folders(tmp_path, monkeypatch):
    """The ribbon's log, its reports and the help page go to the test's temporary folder."""
    import tempfile

    from bcf_addin.ribbon import running

    monkeypatch.setenv(running.LOG_ENV, str(tmp_path / "bcf-addin.log"))
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
