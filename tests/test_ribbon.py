"""The ribbon XML, the command table behind it, and the VBA callback that joins the two."""
from __future__ import annotations

import importlib
import re
import subprocess
import sys
import types
from collections import Counter
from pathlib import Path

import pytest
import xlwings
from lxml import etree

from bcf_addin import paths, ribbon

NS = ribbon.CUSTOMUI_NAMESPACE
BRIDGE = paths.project_folder("macros_bridge") / "BcfRibbon.bas"

# Attributes the Office 2010 customUI schema allows on the elements this ribbon uses. Anything
# else (a typo such as "imagemso", or "getLabel" without its callback) makes Office drop the tab.
KNOWN_ATTRIBUTES = {
    "customUI": {"onLoad", "loadImage"},
    "ribbon": {"startFromScratch"},
    "tabs": set(),
    "tab": {"id", "idQ", "idMso", "tag", "label", "getLabel", "visible", "getVisible", "keytip", "getKeytip",
            "insertAfterMso", "insertBeforeMso", "insertAfterQ", "insertBeforeQ"},
    "group": {"id", "idQ", "idMso", "tag", "label", "getLabel", "image", "imageMso", "getImage", "visible",
              "getVisible", "keytip", "getKeytip", "screentip", "getScreentip", "supertip", "getSupertip",
              "autoScale", "centerVertically", "insertAfterMso", "insertBeforeMso", "insertAfterQ",
              "insertBeforeQ"},
    "button": {"id", "idQ", "idMso", "tag", "label", "getLabel", "image", "imageMso", "getImage", "size",
               "getSize", "onAction", "enabled", "getEnabled", "description", "getDescription", "visible",
               "getVisible", "keytip", "getKeytip", "screentip", "getScreentip", "supertip", "getSupertip",
               "showLabel", "getShowLabel", "showImage", "getShowImage", "insertAfterMso", "insertBeforeMso",
               "insertAfterQ", "insertBeforeQ"},
}
BUTTON_IDS = ["bcfPopulate", "bcfRollForward", "bcfCheck", "bcfBalances", "bcfWhatChanged", "bcfCheckNarrative",
              "bcfSaveForSubmission", "bcfCollectReturns", "bcfInspect", "bcfLearn", "bcfHelp"]


@pytest.fixture(scope="module")
def tree():
    return etree.parse(str(ribbon.customui_path()))


def elements(tree):
    return [e for e in tree.getroot().iter() if isinstance(e.tag, str)]


# --- customUI -------------------------------------------------------------------------------

def test_customui_uses_the_office_2010_namespace_only(tree):
    assert tree.getroot().tag == f"{{{NS}}}customUI"
    assert {etree.QName(e).namespace for e in elements(tree)} == {NS}


def test_one_better_care_fund_tab_with_its_buttons(tree):
    tabs = [c for c in ribbon.load_customui() if c.kind == "tab"]
    assert [(t.id, t.label) for t in tabs] == [("bcfTab", "Better Care Fund")]
    assert [b.id for b in ribbon.buttons()] == BUTTON_IDS


def test_ids_are_unique_and_prefixed(tree):
    ids = [e.get("id") for e in elements(tree) if e.get("id") is not None]
    assert ids, "no ids found"
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert [i for i in ids if not re.fullmatch(r"bcf[A-Z][A-Za-z0-9]*", i)] == []


def test_keytips_are_short_and_unique(tree):
    keytips = [e.get("keytip") for e in elements(tree) if e.get("keytip") is not None]
    assert len(keytips) == len(BUTTON_IDS) + 1  # every button and the tab
    assert all(1 <= len(k) <= 3 and k.isalnum() and k.isupper() for k in keytips), keytips
    assert len(set(keytips)) == len(keytips)


def test_only_attributes_the_schema_knows(tree):
    unknown = [(etree.QName(e).localname, a) for e in elements(tree) for a in e.attrib
               if a not in KNOWN_ATTRIBUTES.get(etree.QName(e).localname, set())]
    assert unknown == []


def test_buttons_are_large_with_builtin_icons_and_tips():
    for button in ribbon.buttons():
        assert button.size == "large", button.id
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]+", button.image_mso or ""), button.id
        assert button.label and button.screentip and button.supertip, button.id
        # Office truncates past 1024 characters; a supertip should read as sentences.
        assert len(button.supertip) <= 1024 and button.supertip.endswith("."), button.id


def test_every_button_uses_the_one_callback_and_it_is_a_public_sub_of_the_bridge():
    actions = {b.on_action for b in ribbon.buttons()}
    assert actions == {ribbon.ON_ACTION}
    code = BRIDGE.read_text(encoding="cp1252")
    public_subs = re.findall(r"^Public Sub (\w+)\(control As IRibbonControl\)\r?$", code, re.MULTILINE)
    assert public_subs == [ribbon.ON_ACTION]


def test_load_customui_refuses_office_2007_ribbon_xml(tmp_path):
    old = tmp_path / "customUI.xml"
    old.write_text('<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui"/>')
    with pytest.raises(ValueError, match="2010"):
        ribbon.load_customui(old)


# --- command table ----------------------------------------------------------------------------

def test_buttons_and_commands_match_one_to_one():
    button_ids = [b.id for b in ribbon.buttons()]
    assert sorted(button_ids) == sorted(ribbon.COMMANDS)
    labels = {b.id: b.label for b in ribbon.buttons()}
    assert {c.control_id: c.label for c in ribbon.COMMANDS.values()} == labels
    assert all(key == c.control_id for key, c in ribbon.COMMANDS.items())


def test_commands_point_at_the_functions_of_their_buttons():
    assert {c.control_id: c.target for c in ribbon.COMMANDS.values()} == dict(BUTTONS)
    assert all(c.description and "\n" not in c.description for c in ribbon.COMMANDS.values())


def test_commands_cannot_be_changed_at_run_time():
    with pytest.raises(TypeError):
        ribbon.COMMANDS["bcfExtra"] = ribbon.COMMANDS["bcfHelp"]
    with pytest.raises(AttributeError):
        ribbon.COMMANDS["bcfHelp"].target = "os:system"


# --- dispatch -------------------------------------------------------------------------------

# Each button of the ribbon and the function it runs: "module:function".
BUTTONS = [
    ("bcfPopulate", "bcf_addin.ribbon.filling:populate"),
    ("bcfRollForward", "bcf_addin.ribbon.roll_forward:roll_forward"),
    ("bcfCheck", "bcf_addin.ribbon.checking:check"),
    ("bcfBalances", "bcf_addin.ribbon.checking:balances"),
    ("bcfWhatChanged", "bcf_addin.ribbon.checking:what_changed"),
    ("bcfCheckNarrative", "bcf_addin.ribbon.checking:check_narrative"),
    ("bcfSaveForSubmission", "bcf_addin.ribbon.submitting:save_for_submission"),
    ("bcfCollectReturns", "bcf_addin.ribbon.collecting:collect_returns"),
    ("bcfInspect", "bcf_addin.ribbon.templates:inspect_template"),
    ("bcfLearn", "bcf_addin.ribbon.templates:learn_template"),
    ("bcfHelp", "bcf_addin.ribbon.guide:help"),
]
MODULES = sorted({target.partition(":")[0] for _, target in BUTTONS})


@pytest.fixture
def engine(monkeypatch):
    """Stand-ins for the modules the buttons run, recording which function got which book."""
    calls, stand_ins = [], {}
    for _, target in BUTTONS:
        module_name, _, name = target.partition(":")
        module = stand_ins.setdefault(module_name, types.ModuleType(module_name))
        setattr(module, name, lambda book, name=name: calls.append((name, book)) or name)
    for module_name, module in stand_ins.items():
        monkeypatch.setitem(sys.modules, module_name, module)
    book = object()
    monkeypatch.setattr(xlwings.Book, "caller", classmethod(lambda cls: book))
    return calls, book, stand_ins


@pytest.mark.parametrize("control_id, target", BUTTONS)
def test_each_button_resolves_to_its_function_in_the_real_module(control_id, target):
    module_name, _, function = target.partition(":")
    resolved = ribbon.COMMANDS[control_id].resolve()
    assert resolved is getattr(importlib.import_module(module_name), function) and resolved.__name__ == function
    assert resolved.__wrapped__.__code__.co_varnames[:2] == ("book", "ui")     # run through the button machinery


@pytest.mark.parametrize("control_id, target", BUTTONS)
def test_dispatch_runs_the_buttons_function_on_the_calling_book(engine, control_id, target):
    calls, book, _ = engine
    function = target.partition(":")[2]
    assert ribbon.dispatch(control_id) == function
    assert calls == [(function, book)]


def test_unknown_button_is_a_clear_error_raised_before_excel_is_asked(engine, monkeypatch):
    calls, _, _ = engine
    monkeypatch.setattr(xlwings.Book, "caller", classmethod(lambda cls: pytest.fail("Excel was asked")))
    with pytest.raises(ribbon.UnknownCommand) as error:
        ribbon.dispatch("bcfNoSuchButton")
    assert "'bcfNoSuchButton'" in str(error.value) and "bcf addin install" in str(error.value)
    assert isinstance(error.value, LookupError) and calls == []


def test_missing_engine_function_names_the_target(engine, monkeypatch):
    _, _, stand_ins = engine
    monkeypatch.delattr(stand_ins["bcf_addin.ribbon.checking"], "balances")
    with pytest.raises(LookupError, match="bcf_addin.ribbon.checking:balances"):
        ribbon.dispatch("bcfBalances")


def test_importing_the_table_does_not_import_the_buttons_or_excel():
    probe = ("import sys, bcf_addin.ribbon; "
             f"print(sorted(m for m in {(*MODULES, 'bcf_addin.ribbon.running', 'xlwings')!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_button_loads_only_what_it_needs():
    probe = ("import sys, bcf_addin.ribbon.checking; "
             "print(sorted(m for m in ('pandas', 'bcf_addin.collect.run') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --- the VBA callback, run by pyOpenVBA's VBA interpreter ------------------------------------
#
# The bridge runs against a stand-in for the xlwings module (RunPython records its command,
# GetConfig answers from test settings). Its two calls into Windows, Dir$ and WScript.Shell, are
# pointed at fakes; everything else is the bridge's own code, unchanged.

STUB_XLWINGS = """
Public Commands As New Collection
Public RunPythonResult As Variant
Public InterpreterWin As String
Public CondaPath As String
Public CondaEnv As String

Public Function RunPython(PythonCommand As String)
    Commands.Add PythonCommand
    RunPython = RunPythonResult
End Function

Public Function GetConfig(configKey As String, Optional default As String = "", Optional source As String = "") As Variant
    GetConfig = default
    If configKey = "INTERPRETER_WIN" Then GetConfig = InterpreterWin
    If configKey = "CONDA PATH" Then GetConfig = CondaPath
    If configKey = "CONDA ENV" Then GetConfig = CondaEnv
End Function
"""
FAKE_SHELL = """
Public Commands As New Collection
Public ExitCode As Long
Public Failure As Long

Public Function Run(ByVal command As String, Optional ByVal style As Long, Optional ByVal wait As Boolean) As Long
    If Failure <> 0 Then Err.Raise Failure, "WScript.Shell", "Access is denied."
    Commands.Add command
    Run = ExitCode
End Function
"""
FAKE_CONTROL = "Public Id As String\r\n"
DRIVER = """
Public Shell As New FakeShell
Public ExistingFiles As String

Public Function TestShell() As Object
    Set TestShell = Shell
End Function

Public Function TestDir(ByVal path As String) As String
    If InStr(ExistingFiles, "|" & path & "|") > 0 Then TestDir = path
End Function

Public Sub Configure(ByVal interpreter As String, ByVal files As String, ByVal exitCode As Long, _
                     ByVal failure As Long, ByVal result As Long, ByVal conda As String)
    InterpreterWin = interpreter
    ExistingFiles = "|" & files & "|"
    Shell.ExitCode = exitCode
    Shell.Failure = failure
    RunPythonResult = result
    CondaPath = conda
    CondaEnv = conda
End Sub

Public Sub Press(ByVal buttonId As String)
    Dim c As New FakeControl
    c.Id = buttonId
    bcfRibbon_OnAction c
End Sub
"""


class Bridge:
    def __init__(self, workbook_open=True):
        from pyopenvba.apps.excel import ExcelApplication

        source = BRIDGE.read_text(encoding="cp1252").replace("\r\n", "\n").split("\n", 1)[1]
        seams = {'CreateObject("WScript.Shell")': "TestShell()", "Dir$(path, vbNormal)": "TestDir(path)"}
        for real, fake in seams.items():
            assert source.count(real) == 1, f"the bridge no longer calls {real} once"
            source = source.replace(real, fake)
        self.app = ExcelApplication()
        self.app.add_module(STUB_XLWINGS, name="xlwings")
        self.app.add_module(FAKE_SHELL, name="FakeShell", kind="class")
        self.app.add_module(FAKE_CONTROL, name="FakeControl", kind="class")
        self.app.add_module(source, name="BcfRibbon")
        self.app.add_module(DRIVER, name="Driver")
        if workbook_open:
            self.app.add_workbook()
        self.configure()

    def configure(self, interpreter="", files="", exit_code=0, failure=0, result=0, conda=""):
        self.app.run("Configure", interpreter, files, exit_code, failure, result, conda)

    def press(self, button="bcfCheck"):
        self.app.run("Press", button)

    def _collection(self, expression):
        count = int(self.app.evaluate(f"{expression}.Count"))
        return [self.app.evaluate(f"{expression}.Item({i})") for i in range(1, count + 1)]

    @property
    def python_commands(self):
        return self._collection("Commands")

    @property
    def checks(self):
        return self._collection("Shell.Commands")

    @property
    def messages(self):
        assert all(d[0] == "MsgBox" and d[2] == "Better Care Fund" for d in self.app.dialogs), self.app.dialogs
        return [d[1] for d in self.app.dialogs]


def test_bridge_asks_for_a_workbook_when_none_is_open():
    bridge = Bridge(workbook_open=False)
    bridge.press()
    assert len(bridge.messages) == 1 and "Open your Better Care Fund return first" in bridge.messages[0]
    assert bridge.python_commands == [] and bridge.checks == []


@pytest.mark.parametrize("button", BUTTON_IDS)
def test_bridge_passes_the_button_id_to_dispatch(button):
    bridge = Bridge()
    bridge.press(button)
    assert bridge.python_commands == [SAFE_PATH + f"import bcf_addin.ribbon; bcf_addin.ribbon.dispatch('{button}')"]
    assert bridge.messages == []


def test_the_python_command_names_a_real_function():
    module, call = re.search(r'"import (bcf_addin\S*); (\S+)\(', BRIDGE.read_text(encoding="cp1252")).groups()
    assert module == "bcf_addin.ribbon" and call == "bcf_addin.ribbon.dispatch"
    assert callable(ribbon.dispatch)


SAFE_PATH = "import sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; "


def test_a_stray_bcf_addin_py_in_excels_folder_is_not_imported(tmp_path):
    """Excel starts Python in whatever folder it is in; a file there named like the package must
    not run in its place."""
    assert re.search(r'SAFE_PATH As String = "(.*)"', BRIDGE.read_text(encoding="cp1252")).group(1) == SAFE_PATH
    (tmp_path / "bcf_addin.py").write_text("raise SystemExit('the stray file ran')\n", encoding="utf-8")
    code = SAFE_PATH + "import bcf_addin.ribbon; print(bcf_addin.ribbon.__file__)"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).resolve() == Path(ribbon.__file__).resolve()
    stray = subprocess.run([sys.executable, "-c", "import bcf_addin.ribbon"], cwd=tmp_path, capture_output=True, text=True)
    assert "the stray file ran" in stray.stderr      # what the bridge's first statement prevents


def test_bridge_checks_python_once_per_session_through_cmd():
    bridge = Bridge()
    bridge.press()
    bridge.press()
    assert bridge.checks == ['cmd.exe /C "python -c "import xlwings, bcf_addin.ribbon""']
    assert len(bridge.python_commands) == 2


def test_bridge_quotes_a_configured_interpreter_path():
    bridge = Bridge()
    python = r"C:\Program Files\Python312\python.exe"
    bridge.configure(interpreter=python, files=python)
    bridge.press()
    assert bridge.checks == [f'cmd.exe /C ""{python}" -c "import xlwings, bcf_addin.ribbon""']
    assert len(bridge.python_commands) == 1


def test_bridge_explains_a_missing_interpreter_file():
    bridge = Bridge()
    bridge.configure(interpreter=r"C:\Old\python.exe")
    bridge.press()
    [message] = bridge.messages
    assert r"cannot find Python at:" in message and r"C:\Old\python.exe" in message
    assert 'pip install "<folder>\\bcf_addin-<version>-py3-none-any.whl"' in message and "bcf addin install" in message
    assert "INSTALL.txt" in message      # bcf-addin is not on PyPI yet: the wheel route comes first
    assert "Interpreter_Win" in message and "xlwings.conf" in message
    assert bridge.checks == [] and bridge.python_commands == []


def test_bridge_explains_python_not_on_path():
    bridge = Bridge()
    bridge.configure(exit_code=9009)
    bridge.press()
    [message] = bridge.messages
    assert "cannot find Python on this computer" in message and "python.org" in message
    assert bridge.python_commands == []


def test_bridge_explains_a_missing_package_with_the_exact_pip_command():
    bridge = Bridge()
    python = r"C:\Py\python.exe"
    bridge.configure(interpreter=python, files=python, exit_code=1)
    bridge.press()
    [message] = bridge.messages
    assert "bcf-addin package" in message
    assert f'"{python}" -m pip install "<folder>\\bcf_addin-<version>-py3-none-any.whl"' in message
    assert bridge.python_commands == []


def test_bridge_checks_again_after_a_failed_check():
    bridge = Bridge()
    bridge.configure(exit_code=1)
    bridge.press()
    bridge.configure(exit_code=0)
    bridge.press()
    assert len(bridge.checks) == 2 and len(bridge.python_commands) == 1


def test_bridge_checks_again_after_python_stopped_with_an_error():
    bridge = Bridge()
    bridge.configure(result=-1)
    bridge.press()
    bridge.press()
    assert len(bridge.checks) == 2 and len(bridge.python_commands) == 2


def test_bridge_explains_when_windows_will_not_start_python():
    bridge = Bridge()
    bridge.configure(failure=70)
    bridge.press()
    [message] = bridge.messages
    assert "Access is denied." in message and "error 70" in message and "IT service desk" in message
    assert bridge.python_commands == []


def test_bridge_leaves_conda_environments_to_xlwings():
    bridge = Bridge()
    bridge.configure(conda=r"C:\Miniconda3", exit_code=9009)
    bridge.press()
    assert bridge.checks == [] and len(bridge.python_commands) == 1


def test_bridge_is_in_vbe_export_form_and_goes_into_the_project_with_crlf():
    from bcf_addin.xlam.vba import read_module

    raw = BRIDGE.read_bytes()
    assert re.match(rb'Attribute VB_Name = "BcfRibbon"\r?\n', raw)
    raw.decode("ascii")  # the VBA project's code page is 1252: plain ASCII is safe in every locale
    module = read_module(BRIDGE)
    assert module.name == "BcfRibbon" and module.kind == "standard"
    assert "\n" not in module.code.replace("\r\n", ""), "the VBE needs CRLF line ends"


def test_ribbon_picture_follows_the_xml():
    from bcf_addin.xlam.picture import ICONS, ribbon_html

    page = ribbon_html(ribbon.load_customui())
    positions = [page.index(b.label) for b in ribbon.buttons()]
    assert positions == sorted(positions)
    for control in ribbon.load_customui():
        if control.keytip:
            assert f'<b class="key">{control.keytip}</b>' in page
    assert {b.image_mso for b in ribbon.buttons()} <= set(ICONS), "a button's icon has no drawn stand-in"
