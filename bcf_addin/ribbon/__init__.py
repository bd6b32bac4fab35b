"""The Better Care Fund ribbon: which Python function each button runs.

Excel sends every button of the tab to one VBA macro (``bcfRibbon_OnAction`` in
``macros_bridge/BcfRibbon.bas``), which runs ``bcf_addin.ribbon.dispatch('<button id>')`` through
xlwings' RunPython. This table is therefore the only place that ties a button to Python; the
VBA never needs to change when a button's behaviour does.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping

from lxml import etree

from bcf_addin import paths

CUSTOMUI_NAMESPACE = "http://schemas.microsoft.com/office/2009/07/customui"
ON_ACTION = "bcfRibbon_OnAction"
CUSTOMUI_FILE = "customUI14.xml"


@dataclass(frozen=True)
class Command:
    """One ribbon button and the function behind it.

    ``target`` is ``"package.module:function"``; the function takes the calling xlwings Book.
    """

    control_id: str
    label: str
    target: str
    description: str

    def resolve(self) -> Callable[[Any], Any]:
        module_name, _, attribute = self.target.partition(":")
        module = importlib.import_module(module_name)
        try:
            return getattr(module, attribute)
        except AttributeError:
            raise LookupError(
                f"The ribbon button {self.control_id!r} should run {self.target}, but {module_name} "
                f"has no {attribute!r}. Reinstall bcf-addin so the add-in and the package match."
            ) from None


# Each button's function, in the module of its kind. A module is imported only when one of its
# buttons is pressed, so Check does not load pandas (for Collect returns), nor Populate openpyxl
# (for the report workbooks).
_HERE = "bcf_addin.ribbon"

COMMANDS: Mapping[str, Command] = MappingProxyType({c.control_id: c for c in (
    Command("bcfPopulate", "Populate from register...", f"{_HERE}.filling:populate",
            "Fill the open return from a scheme register file."),
    Command("bcfRollForward", "Roll forward...", f"{_HERE}.roll_forward:roll_forward",
            "Start the open return from the last one sent: its scheme lines and contact details."),
    Command("bcfCheck", "Check return", f"{_HERE}.checking:check",
            "List what must be fixed in the open return before it is submitted."),
    Command("bcfBalances", "Balances and minimum spend", f"{_HERE}.checking:balances",
            "Compare planned spending with income and with the minimum contributions."),
    Command("bcfWhatChanged", "What changed...", f"{_HERE}.checking:what_changed",
            "Compare the open return with an earlier version of it: lines, answers and balances that changed."),
    Command("bcfCheckNarrative", "Check narrative...", f"{_HERE}.checking:check_narrative",
            "Check the Word narrative return against the open return: details, answers, words and figures."),
    Command("bcfSaveForSubmission", "Save for submission...", f"{_HERE}.submitting:save_for_submission",
            "Save the open return for NHS England with a manifest, and an e-mail ready to send."),
    Command("bcfCollectReturns", "Collect returns...", f"{_HERE}.collecting:collect_returns",
            "Check and add up every return in a folder (and in saved e-mails), then open the summary workbook."),
    Command("bcfInspect", "Inspect template", f"{_HERE}.templates:inspect_template",
            "List what the tools look for in the workbook and where they found it, or why not."),
    Command("bcfLearn", "Learn template", f"{_HERE}.templates:learn_template",
            "Teach the tools a template they do not know yet, such as next year's, from the workbook itself."),
    Command("bcfHelp", "Help", f"{_HERE}.guide:help",
            "Show what each button does and what to do when something goes wrong."),
)})


class UnknownCommand(LookupError):
    """A button id that no entry in COMMANDS answers to."""

    def __init__(self, control_id: str):
        known = ", ".join(COMMANDS)
        super().__init__(
            f"No Better Care Fund command belongs to the ribbon button {control_id!r} (known: {known}). "
            "The add-in and the bcf-addin package are probably different versions: run "
            "'bcf addin install' again and restart Excel."
        )
        self.control_id = control_id


def command(control_id: str) -> Command:
    try:
        return COMMANDS[control_id]
    except KeyError:
        raise UnknownCommand(control_id) from None


def dispatch(control_id: str) -> Any:
    """Run the command of a ribbon button on the workbook Excel called from.

    The engine is imported only now, so a button press pays for the one command it runs and a
    broken command cannot stop the others from loading.
    """
    target = command(control_id).resolve()
    import xlwings  # deferred: reading the ribbon table must not need Excel's bridge

    book = xlwings.Book.caller()
    return target(book)


@dataclass(frozen=True)
class RibbonControl:
    """A tab, group or button of the customUI, as the tests and the ribbon picture need it."""

    kind: str
    id: str
    parent: str | None
    label: str | None
    on_action: str | None = None
    keytip: str | None = None
    image_mso: str | None = None
    size: str | None = None
    screentip: str | None = None
    supertip: str | None = None


def customui_path() -> Path:
    return paths.project_folder("ribbon") / CUSTOMUI_FILE


def load_customui(path: Path | str | None = None) -> list[RibbonControl]:
    """Every tab, group and button of the customUI file, in document order."""
    tree = etree.parse(str(path or customui_path()))
    root = tree.getroot()
    if etree.QName(root).namespace != CUSTOMUI_NAMESPACE:
        raise ValueError(f"{path or customui_path()} is not Office 2010 customUI (namespace {CUSTOMUI_NAMESPACE})")
    controls = []
    for element in root.iter(f"{{{CUSTOMUI_NAMESPACE}}}tab", f"{{{CUSTOMUI_NAMESPACE}}}group",
                             f"{{{CUSTOMUI_NAMESPACE}}}button"):
        parent = element.getparent()
        controls.append(RibbonControl(
            kind=etree.QName(element).localname,
            id=element.get("id"),
            parent=parent.get("id") if parent is not None else None,
            label=element.get("label"),
            on_action=element.get("onAction"),
            keytip=element.get("keytip"),
            image_mso=element.get("imageMso"),
            size=element.get("size"),
            screentip=element.get("screentip"),
            supertip=element.get("supertip"),
        ))
    return controls


def buttons(path: Path | str | None = None) -> list[RibbonControl]:
    return [control for control in load_customui(path) if control.kind == "button"]
