"""The add-in built on Linux: a sound package, the VBA it should hold, read back by other tools."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path, PurePosixPath

import olefile
import pytest
import xlwings
from click.testing import CliRunner
from lxml import etree
from python_calamine import CalamineWorkbook

from bcf_addin.xlam import build, install, parts as xlam_parts, vba, vbaproject
from bcf_addin.xlam.cli import addin as addin_cli
from bcf_addin.ribbon import customui_path

NS_CT = xlam_parts.NS_CT
NS_REL = xlam_parts.NS_PKG_REL
XLWINGS_DIR = Path(xlwings.__file__).parent


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build.build_addin(tmp_path_factory.mktemp("addin") / "bcf_addin.xlam",
                             interpreter_win=r"C:\Users\officer\Python312\python.exe")


@pytest.fixture(scope="module")
def parts(built) -> dict[str, bytes]:
    with zipfile.ZipFile(built) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def content_type(parts, part):
    types = etree.fromstring(parts["[Content_Types].xml"])
    for override in types.iter(f"{{{NS_CT}}}Override"):
        if override.get("PartName") == "/" + part:
            return override.get("ContentType")
    extension = part.rsplit(".", 1)[-1]
    return next((d.get("ContentType") for d in types.iter(f"{{{NS_CT}}}Default")
                 if d.get("Extension") == extension), None)


def relationships(parts):
    """(source part, type, resolved target) for every relationship in the package."""
    found = []
    for name, data in parts.items():
        if not name.endswith(".rels"):
            continue
        folder = PurePosixPath(name).parent.parent
        source = str(folder / PurePosixPath(name).name[:-len(".rels")]).lstrip("./") if str(folder) != "." else ""
        for rel in etree.fromstring(data).iter(f"{{{NS_REL}}}Relationship"):
            assert rel.get("TargetMode") != "External", rel.get("Target")
            found.append((source, rel.get("Type"), xlam_parts.resolve_target(source, rel.get("Target"))))
    return found


# --- the package ------------------------------------------------------------------------------

def test_workbook_is_a_macro_enabled_addin(parts):
    assert content_type(parts, "xl/workbook.xml") == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" not in parts["[Content_Types].xml"].decode()


def test_every_part_has_a_content_type_and_overrides_name_real_parts(parts):
    assert [p for p in parts if not p.endswith("/") and content_type(parts, p) is None] == []
    types = etree.fromstring(parts["[Content_Types].xml"])
    overridden = [o.get("PartName").lstrip("/") for o in types.iter(f"{{{NS_CT}}}Override")]
    assert [p for p in overridden if p not in parts] == []


def test_every_relationship_resolves_to_a_part(parts):
    rels = relationships(parts)
    assert rels and [(s, t) for s, _, t in rels if t not in parts] == []


def test_ribbon_is_related_from_the_package_root(parts):
    root = [(t, target) for s, t, target in relationships(parts) if s == ""]
    assert (xlam_parts.RIBBON_REL_TYPE, "customUI/customUI14.xml") in root
    assert ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
            "xl/workbook.xml") in root
    assert parts["customUI/customUI14.xml"] == customui_path().read_bytes()
    assert "customUI/customUI.xml" not in parts  # one ribbon: Office 2010+ XML only


def test_vba_project_is_related_from_the_workbook_with_its_content_type(parts):
    rels = [(s, t, target) for s, t, target in relationships(parts) if target == "xl/vbaProject.bin"]
    assert rels == [("xl/workbook.xml", "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
                     "xl/vbaProject.bin")]
    assert content_type(parts, "xl/vbaProject.bin") == "application/vnd.ms-office.vbaProject"


def test_a_package_that_is_not_an_addin_is_refused(built, tmp_path):
    broken = xlam_parts.Package(built)
    broken.parts["[Content_Types].xml"] = broken.parts["[Content_Types].xml"].replace(
        b"ms-excel.addin.macroEnabled", b"ms-excel.sheet.macroEnabled")
    with pytest.raises(ValueError, match="not an add-in"):
        xlam_parts.check_addin(broken)
    unrelated = xlam_parts.Package(built)
    del unrelated.parts["xl/vbaProject.bin"]
    with pytest.raises(ValueError, match="no VBA project"):
        xlam_parts.check_addin(unrelated)
    xlam_parts.check_addin(xlam_parts.Package(built))


def test_xlwings_conf_sheet_holds_the_settings(built):
    book = CalamineWorkbook.from_path(str(built))
    assert book.sheet_names == ["xlwings.conf"]
    rows = book.get_sheet_by_name("xlwings.conf").to_python()
    expected = build.xlwings_settings(interpreter_win=r"C:\Users\officer\Python312\python.exe")
    assert [tuple(r) for r in rows] == expected
    keys = [key.upper() for key, _ in expected]
    # xlwings reads A1 downwards into a dictionary: a repeated key would stop it with an error.
    assert len(keys) == len(set(keys))
    assert {"INTERPRETER_WIN", "INTERPRETER_MAC", "PYTHONPATH", "UDF MODULES", "USE UDF SERVER"} <= set(keys)


def test_config_sheet_keeps_the_code_name_the_vba_project_knows(parts):
    sheet = etree.fromstring(parts["xl/worksheets/sheet1.xml"])
    assert sheet.find(f"{{{xlam_parts.NS_MAIN}}}sheetPr").get("codeName") == "Sheet1"
    assert b"<vt:lpstr>xlwings.conf</vt:lpstr>" in parts["docProps/app.xml"]


def test_addin_describes_itself_for_excels_add_ins_dialog(parts):
    core = etree.fromstring(parts["docProps/core.xml"])
    dc = "{http://purl.org/dc/elements/1.1/}"
    assert core.findtext(f"{dc}title") == "Better Care Fund"
    assert "Better Care Fund" in core.findtext(f"{dc}description")
    assert core.findtext(f"{dc}creator") == "bcf-addin"


def test_xml_parts_carry_the_declaration_office_writes(parts):
    for name, data in parts.items():
        if name.endswith((".xml", ".rels")):
            assert data.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'), name


def test_building_twice_gives_the_same_bytes(built, tmp_path):
    again = build.build_addin(tmp_path / "again.xlam", interpreter_win=r"C:\Users\officer\Python312\python.exe")
    assert again.read_bytes() == built.read_bytes()


# --- the VBA project ---------------------------------------------------------------------------

def normalised(code: str) -> str:
    """Code as the VBE shows it: no export header or Attribute lines, no trailing blank lines."""
    lines = code.replace("\r\n", "\n").split("\n")
    if lines and lines[0].startswith("VERSION "):
        lines = lines[lines.index("END") + 1:]
    lines = [line.rstrip() for line in lines if not line.startswith("Attribute VB_")]
    return "\n".join(lines).strip("\n")


@pytest.fixture(scope="module")
def extracted(built) -> dict[str, str]:
    with warnings.catch_warnings():  # oletools 0.60 uses pyparsing names that now warn on import
        warnings.simplefilter("ignore", DeprecationWarning)
        from oletools.olevba import VBA_Parser
    parser = VBA_Parser(str(built))
    try:
        return {name.rsplit(".", 1)[0]: code if isinstance(code, str) else code.decode("cp1252")
                for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def test_olevba_finds_exactly_the_modules(extracted):
    assert sorted(extracted) == sorted(["ThisWorkbook", "Sheet1", "BcfRibbon", "xlwings", "Dictionary"])
    assert normalised(extracted["ThisWorkbook"]) == normalised(extracted["Sheet1"]) == ""


def test_olevba_reads_back_the_bridge_source(extracted):
    bridge = paths_bridge().read_text(encoding="cp1252")
    assert normalised(extracted["BcfRibbon"]) == normalised(bridge)


def test_olevba_reads_back_the_installed_xlwings_module_with_the_add_in_settings_sheet(extracted):
    shipped = (XLWINGS_DIR / "xlwings_custom_addin.bas").read_text(encoding="cp1252")
    inside = normalised(extracted["xlwings"])
    assert inside == normalised(vba.xlwings_module().code)
    shipped_lines, inside_lines = normalised(shipped).split("\n"), inside.split("\n")
    assert len(shipped_lines) == len(inside_lines)
    different = [(a, b) for a, b in zip(shipped_lines, inside_lines) if a != b]
    assert different == [('Public Const PROJECT_NAME As String = "myaddin"',
                          'Public Const PROJECT_NAME As String = "xlwings"')]
    assert f'Public Const XLWINGS_VERSION As String = "{xlwings.__version__}"' in inside
    # The bridge relies on these two being there.
    assert re.search(r"^Public Function RunPython\(PythonCommand As String\)$", inside, re.MULTILINE)
    assert re.search(r"^Function GetConfig\(configKey As String, Optional default As String", inside, re.MULTILINE)


def test_build_refuses_xlwings_vba_of_another_version(monkeypatch):
    monkeypatch.setattr(xlwings, "__version__", "0.0.1")
    with pytest.raises(vba.VbaSourceError, match="0.0.1"):
        vba.xlwings_module()


def test_a_bas_file_must_start_with_its_name_line(tmp_path):
    bad = tmp_path / "Bad.bas"
    bad.write_text('Option Explicit\nAttribute VB_Name = "Bad"\n')
    with pytest.raises(vba.VbaSourceError, match="must start"):
        vba.read_module(bad)


def test_olevba_reads_back_xlwings_dictionary_class(extracted):
    shipped = (XLWINGS_DIR / "addin" / "Dictionary.cls").read_text(encoding="cp1252")
    assert normalised(extracted["Dictionary"]) == normalised(shipped)


def vba_project_bytes(addin: Path) -> bytes:
    with zipfile.ZipFile(addin) as archive:
        return archive.read(vbaproject.VBA_PROJECT_PART)


def module_offsets(addin: Path) -> dict[str, int]:
    """Where the source starts in each module stream: 0 means no p-code precedes it."""
    from pyopenvba import ExcelFile

    with ExcelFile(addin) as book:
        return {module.name: module.text_offset for module in book.vba_project().modules}


def test_project_declares_standard_and_class_modules(built):
    project = olefile.OleFileIO(io.BytesIO(vba_project_bytes(built)))
    text = project.openstream("PROJECT").read().decode("cp1252")
    declared = re.findall(r"^(Module|Class|Document)=(\w+)", text, re.MULTILINE)
    assert sorted(declared) == sorted([("Document", "ThisWorkbook"), ("Document", "Sheet1"),
                                       ("Module", "BcfRibbon"), ("Module", "xlwings"), ("Class", "Dictionary")])


def test_project_carries_no_compiled_code_so_excel_compiles_the_source(built):
    project = olefile.OleFileIO(io.BytesIO(vba_project_bytes(built)))
    streams = ["/".join(entry) for entry in project.listdir()]
    assert project.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("cc61ffff000000")
    assert [s for s in streams if s.startswith("VBA/__SRP_")] == []
    assert module_offsets(built) == dict.fromkeys(
        ["ThisWorkbook", "Sheet1", "BcfRibbon", "xlwings", "Dictionary"], 0)


def test_project_references_the_office_library_for_iribboncontrol(built):
    from pyopenvba import ExcelFile

    with ExcelFile(built) as book:
        names = {reference.name for reference in book.references()}
        assert "Office" in names
        assert book.validate() == []


def test_xlwings_reads_its_settings_from_the_add_ins_sheet(built):
    """xlwings' own GetConfig, run by pyOpenVBA's VBA interpreter on the built file.

    Two adjustments serve the interpreter, not the add-in: it cannot read a comment after a
    #If/#Const line, and it has no WScript.Shell, whose ExpandEnvironmentStrings is replaced by
    one that returns its input.
    """
    from pyopenvba import ExcelFile
    from pyopenvba.apps.excel import ExcelApplication

    app = ExcelApplication.open(built, with_vba=False)
    app.add_module("Public Function ExpandEnvironmentStrings(ByVal s As String) As String\r\n"
                   "    ExpandEnvironmentStrings = s\r\nEnd Function\r\n", name="FakeShell", kind="class")
    with ExcelFile(built) as book:
        for module in book.vba_project().modules:
            source = re.sub(r"""^(\s*#[^'"\r\n]*(?:"[^"\r\n]*"[^'"\r\n]*)*)'[^\r\n]*""", r"\1",
                            module.source, flags=re.MULTILINE)
            if module.name == "xlwings":
                source = source.replace('CreateObject("WScript.Shell")', "New FakeShell")
            kind = {"standard": "standard"}.get(module.kind.name, "class")
            app.add_module(source, name=module.name,
                           kind="document" if module.name in ("ThisWorkbook", "Sheet1") else kind)
    setting = lambda key: app.evaluate(f'GetConfig("{key}", "unset")')  # noqa: E731
    assert setting("INTERPRETER_WIN") == r"C:\Users\officer\Python312\python.exe"
    assert setting("Interpreter_Mac".upper()) == ""
    assert setting("USE UDF SERVER") == "False" and setting("SHOW CONSOLE") == "False"
    assert setting("ADD_WORKBOOK_TO_PYTHONPATH") == "False"


def paths_bridge() -> Path:
    from bcf_addin import paths

    return paths.project_folder("macros_bridge") / "BcfRibbon.bas"


# --- LibreOffice, an independent reader of the package and its VBA ------------------------------

@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_addin_and_lists_the_bridge_module(built, tmp_path):
    source = tmp_path / "bcf_addin.xlam"
    shutil.copyfile(built, source)
    done = subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
         "--infilter=Calc MS Excel 2007 VBA XML", "--convert-to", "ods", "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=300)
    converted = tmp_path / "bcf_addin.ods"
    assert converted.exists(), done.stdout + done.stderr
    with zipfile.ZipFile(converted) as ods:
        names = ods.namelist()
        modules = sorted(PurePosixPath(n).stem for n in names
                         if n.startswith("Basic/VBAProject/") and not n.endswith("script-lb.xml"))
        bridge = ods.read("Basic/VBAProject/BcfRibbon.xml").decode()
        content = ods.read("content.xml").decode()
    assert modules == sorted(["BcfRibbon", "Dictionary", "Sheet1", "ThisWorkbook", "xlwings"])
    assert "Public Sub bcfRibbon_OnAction(control As IRibbonControl)" in bridge
    assert "bcf_addin.ribbon.dispatch(" in bridge.replace("&apos;", "'")
    assert 'table:name="xlwings.conf"' in content and "Interpreter_Win" in content


# --- install and the command line ---------------------------------------------------------------

def test_install_refuses_on_linux_with_a_way_forward():
    with pytest.raises(install.UnsupportedSystem, match="bcf addin build"):
        install.install_addin(platform="linux")
    with pytest.raises(install.UnsupportedSystem):
        install.uninstall_addin(platform="linux")


def test_startup_folders_are_excels():
    assert install.startup_folder("win32", {"APPDATA": r"C:\Users\o\AppData\Roaming"}) == \
        Path(r"C:\Users\o\AppData\Roaming") / "Microsoft" / "Excel" / "XLSTART"
    assert install.startup_folder("darwin", {}, Path("/Users/o")) == Path(
        "/Users/o/Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel")


def test_install_copies_a_given_file_and_uninstall_removes_it(built, tmp_path):
    folder = tmp_path / "XLSTART"
    done = install.install_addin(built, folder=folder, platform="win32")
    assert done.path == folder / "bcf_addin.xlam" and done.path.read_bytes() == built.read_bytes()
    assert any("Installed" in step and str(done.path) in step for step in done.steps)
    removed = install.uninstall_addin(folder=folder, platform="win32")
    assert not done.path.exists() and any("Removed" in step for step in removed.steps)
    again = install.uninstall_addin(folder=folder, platform="win32")
    assert any("not installed" in step for step in again.steps)


def test_install_without_a_file_builds_one_for_this_python(tmp_path):
    done = install.install_addin(folder=tmp_path, platform="win32")
    rows = dict(CalamineWorkbook.from_path(str(done.path)).get_sheet_by_name("xlwings.conf").to_python())
    assert rows["Interpreter_Win"] == sys.executable and rows["Interpreter_Mac"] == ""


def test_install_on_a_mac_also_installs_runpython_script(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    done = install.install_addin(folder=tmp_path / "Startup", platform="darwin")
    script = tmp_path / install.MAC_SCRIPTS / f"xlwings-{xlwings.__version__}.applescript"
    assert script.is_file()
    rows = dict(CalamineWorkbook.from_path(str(done.path)).get_sheet_by_name("xlwings.conf").to_python())
    assert rows["Interpreter_Mac"] == sys.executable and rows["Interpreter_Win"] == ""
    assert any("Cmd-Q" in step for step in done.steps)


def test_cli_builds_and_explains_why_it_will_not_install_here(tmp_path):
    runner = CliRunner()
    result = runner.invoke(addin_cli, ["build", "-o", str(tmp_path / "out.xlam"), "--interpreter-win", r"C:\P\python.exe"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.xlam").is_file() and "Built" in result.output
    if not sys.platform.startswith(("win", "darwin")):
        result = runner.invoke(addin_cli, ["install"])
        assert result.exit_code == 1 and "Windows or macOS" in result.output


@pytest.mark.parametrize("command", ["build", "install", "uninstall"])
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(addin_cli, [command, "--help"])
    assert result.exit_code == 0 and "Example" in result.output and f"bcf addin {command}" in result.output


def test_excel_build_writes_import_files_the_vbe_accepts(tmp_path):
    from bcf_addin.xlam import via_excel

    files = via_excel._module_files(tmp_path)
    assert sorted(p.name for p in files) == ["BcfRibbon.bas", "Dictionary.cls", "xlwings.bas"]
    for path in files:
        raw = path.read_bytes()
        assert b"\n" not in raw.replace(b"\r\n", b"") and b"Attribute VB_Name" in raw
    if not sys.platform.startswith("win"):
        with pytest.raises(via_excel.ExcelBuildError, match="Excel for Windows"):
            via_excel.build_addin_via_excel(tmp_path / "x.xlam")
