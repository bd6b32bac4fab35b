"""The library's front door: what the command line and the Excel ribbon both call."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .descriptions.loader import load
from .errors import BcfError, RegisterError, WrongTemplate
from .files import claimed, output_path, xlsx_target
from .recognise import open_template, recognise  # noqa: F401  (callers open workbooks here)

# What only some jobs use is imported inside the function that does them, each saying what that
# spares (times measured with this module loaded): `bcf check` and the ribbon's buttons start
# without the planner, the writer, the rules or openpyxl where they do not use them.
if TYPE_CHECKING:
    from .descriptions.schema import TemplateDescription
    from .hwb import HwbFigures
    from .located import OpenTemplate
    from .notes import Note
    from .register import Register
    from .table_plan import TablePlan

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def plan_populate(tpl: OpenTemplate, registers: list[str | Path], progress: Progress = _quiet, *,
                  previous_returns: list[str | Path] = (), columns: str | Path | None = None,
                  sheet: str | None = None, cost_centres: str | Path | None = None) -> list[TablePlan]:
    """What populate would write: one plan per register, checked in full before anything is written.

    Lines carried from earlier returns are planned first, and the registers on top of them: a
    ledger extract then updates the carried lines, not the ones the workbook held before.
    `columns`, `sheet` and `cost_centres` are for the first register: its column mapping (else
    the one saved beside it is used), its sheet, and the cost-centre file of a ledger extract.
    """
    # The planner and the register readers, ~70 ms: not for `bcf check`.
    from .mapping.source import Source, read_source
    from .populate import plan, stack, with_writes

    sources = [(f"Reading the scheme lines of {Path(ret).name}", lambda p: Source(register_from_return(p)), ret)
               for ret in previous_returns]
    first = {"columns": columns, "sheet": sheet, "cost_centres": cost_centres}
    sources += [(f"Reading {Path(reg).name}", lambda p, o=(first if i == 0 else {}): read_source(p, tpl.description, **o), reg)
                for i, reg in enumerate(registers)]
    plans: list[TablePlan] = []
    wb = tpl.workbook
    for message, read, path in sources:
        progress(message)
        source = read(path)
        table_plan = plan(source.register, tpl.description, tpl.layout, wb)
        table_plan.notes[:0] = source.notes
        if source.reconciliation is not None:
            source.reconciliation.mark_written(table_plan.applied if table_plan.mode == "update"
                                               else set(source.register.lines))
            table_plan.reconciliation = source.reconciliation
        wb = with_writes(wb, table_plan.writes)
        stack(plans, table_plan, tpl.workbook)
        plans.append(table_plan)
    return plans


def register_from_return(path: str | Path) -> Register:
    """Last quarter's (or last year's) return as a register: its scheme lines under its own headings.

    The headings then match this return's columns as any register's would, across template years.
    """
    from .register import Register          # the register reader, ~10 ms: not for `bcf check`

    tpl = open_template(path)
    fin = tpl.description.finance
    if fin is None:
        raise RegisterError(f"is a {tpl.description.name}, which has no scheme lines to carry over", file=str(path))
    table, _ = tpl.table(fin.schemes)
    headers = [c.header for c in table.columns]
    rows, lines = [], []
    for line in tpl.lines(fin.schemes):
        rows.append({c.header: line.values.get(c.id) for c in table.columns})
        lines.append(line.row)
    sheet = tpl.layout.workbook_sheet(tpl.layout.tables[fin.schemes].sheet)
    return Register(str(path), headers, rows, lines, partial=True, sheet=sheet)


def new_replica(kind: str, out: str | Path, *, hwb: str | None = None, allocations: str | Path | None = None,
                spread: int = 0, shift: int = 0) -> Path:
    """Write a replica of NHS England's `kind` template, pre-populated for `hwb` when given."""
    from .replica.builder import build      # openpyxl, ~230 ms: only for a new template

    desc = load(kind)
    figures = hwb_figures(desc, hwb, allocations)
    out = xlsx_target(Path(out))
    with claimed(out):
        if out.exists():
            raise BcfError("already exists; choose another name or remove it first", file=str(out))
        build(desc, out, hwb=figures, spread=spread, shift=shift)
    return out


def hwb_figures(desc: TemplateDescription, hwb: str | None, allocations: str | Path | None) -> HwbFigures | None:
    from .hwb import load_allocations, load_bundled      # the published figures, ~6 ms: not for `bcf check`

    if allocations:
        if not hwb:
            raise BcfError("--allocations needs --hwb NAME to say whose allocations they are")
        return load_allocations(Path(allocations), hwb, desc)
    if not hwb:
        return None
    figures = load_bundled(hwb, desc.kind)
    if figures is None:
        raise BcfError(f"no published figures are bundled for '{hwb}'; give them with --allocations CSV "
                       "(columns item,label,value)")
    return figures


@dataclass
class PopulateResult:
    template: str
    hwb: str | None
    source: str
    out: str
    backup: str | None
    tables: list[TablePlan] = field(default_factory=list)
    written: int = 0

    @property
    def notes(self) -> list[Note]:
        return [n for t in self.tables for n in t.notes]


def populate(workbook: str | Path, registers: list[str | Path], *, out: str | Path | None = None,
             in_place: bool = False, previous_returns: list[str | Path] = (), dry_run: bool = False,
             progress: Progress = _quiet, kind: str | None = None, columns: str | Path | None = None,
             sheet: str | None = None, cost_centres: str | Path | None = None) -> PopulateResult:
    """Write each register's lines into the template's input cells; nothing else changes.

    With `dry_run` everything is read and checked as usual but no file is written.
    `columns`, `sheet` and `cost_centres` say how to read the first register; see plan_populate.
    """
    first_register = {"columns": columns, "sheet": sheet, "cost_centres": cost_centres}
    result, dest, backup = _write_planned(
        Path(workbook), out, in_place, dry_run, progress,
        plan=lambda: _populate(Path(workbook), registers, previous_returns, progress, first_register, kind),
        writes_of=lambda r: [w for p in r.tables for w in p.writes])
    if dest is not None:
        result.out, result.backup = str(dest), backup
    return result


def _write_planned(src: Path, out, in_place: bool, dry_run: bool, progress: Progress, *, plan, writes_of):
    """(what `plan` planned, where it was written, the backup kept): nothing is written on a dry run.

    The destination is held from the first read to the last write, so a second run on the same
    file cannot read it before this one's change lands and then write over that change.
    """
    from .xlsx.writer import write_cells        # the writer, ~35 ms: not for `bcf check`

    dest = src if dry_run and not out and not in_place else output_path(src, Path(out) if out else None, in_place)
    if dry_run:
        return plan(), None, None
    with claimed(dest):
        planned = plan()
        writes = writes_of(planned)
        progress(f"Writing {len(writes)} cells to {dest.name}")
        written = write_cells(src, writes, dest, backup=True)
    return planned, dest, written.backup


def _populate(src: Path, registers, previous_returns, progress: Progress, first_register: dict,
              kind: str | None = None) -> PopulateResult:
    progress(f"Reading {src.name}")
    tpl = open_template(src, kind)
    plans = plan_populate(tpl, registers, progress, previous_returns=previous_returns, **first_register)
    written = sum(len(p.writes) for p in plans)
    return PopulateResult(tpl.description.kind, tpl.hwb, str(src), "", None, plans, written)


def check(workbook: str | Path, *, previous: str | Path | None = None, progress: Progress = _quiet,
          kind: str | None = None):
    """Every rule over the return (and last year's, for the year-on-year rules): a CheckReport."""
    from .checks.run import check_template      # every rule, ~40 ms: not for the jobs that check nothing

    progress(f"Reading {Path(workbook).name}")
    tpl = open_template(workbook, kind)
    prev = last_years(tpl, open_template(previous)) if previous else None
    progress("Checking")
    return check_template(tpl, prev, stale_caches=tpl.workbook.recalculate_on_open)


def last_years(tpl: OpenTemplate, previous: OpenTemplate) -> OpenTemplate:
    """`previous`, when it is a return of a kind this one's description names as its previous
    year; anything else (this year's, another kind's) is refused rather than compared."""
    want, got = tpl.description.previous_year, previous.description
    if got.kind not in want:
        expected = " or ".join(want) if want else "none: this kind of return has no previous-year checks"
        raise WrongTemplate(f"is a {got.name} ({got.kind}, {got.year}), but --previous takes last year's "
                            f"return for a {tpl.description.name}: {expected}", file=previous.workbook.path)
    return previous


def check_open(tpl: OpenTemplate, previous: OpenTemplate | None = None, *, stale_caches: bool = False):
    """Check a template already in memory (the workbook open in Excel: its results are current),
    skipping the rules whose facts the read could not get."""
    from .checks.run import check_template      # every rule, ~40 ms: not for the buttons that check nothing

    previous = last_years(tpl, previous) if previous else None
    return check_template(tpl, previous, stale_caches=stale_caches, unknown=tpl.workbook.unknown)


def balances(workbook: str | Path, kind: str | None = None):
    """Running balances and minimum-spend tests computed from the scheme lines and income."""
    from .balances import compute       # ~8 ms: not for `bcf populate`, `new` or `inspect`

    return compute(open_template(workbook, kind))


def diff(old: str | Path, new: str | Path, *, progress: Progress = _quiet):
    """What changed between two versions of the same return: a ReturnDiff."""
    from .diff import diff_templates        # ~30 ms: not for `bcf check`

    progress(f"Reading {Path(old).name}")
    before = open_template(old)
    progress(f"Reading {Path(new).name}")
    after = open_template(new)
    return diff_templates(before, after)


def check_narrative(document: str | Path, returns: list[str | Path] = (), *, open_returns: list[OpenTemplate] = (),
              progress: Progress = _quiet):
    """The Word narrative return checked, its figures held to the returns': a NarrativeReport."""
    from .narrative.check import check_narrative as check_document     # the narrative's rules, ~65 ms: not for `bcf check`

    return check_document(document, list(returns), progress, open_returns=open_returns)


def pack_contents(tpl: OpenTemplate, report, return_file: str | Path, *, narrative: str | Path | None = None,
                  accept_errors: str | None = None, progress: Progress = _quiet):
    """What a submission pack of the return `tpl` (its bytes in `return_file`, its check `report`)
    would hold: the copy under NHS England's name and the narrative, checked against the return."""
    # The pack, ~10 ms: not for `bcf check`.
    from .pack import NARRATIVE_TYPE, PackContents, PackFile
    from .submission import submission_name

    files = [PackFile.read(return_file, submission_name(tpl), "return")]
    narrative_report = None
    if narrative:
        narrative_report = check_narrative(narrative, open_returns=[tpl], progress=progress)
        files.append(PackFile.read(narrative, Path(narrative).name, "narrative", NARRATIVE_TYPE))
    return PackContents(tpl.title, tpl.hwb, files, report, narrative_report, accept_errors)


def submit(workbook: str | Path, *, folder: str | Path | None = None, narrative: str | Path | None = None,
           accept_errors: str | None = None, draft: bool = False, overwrite: bool = False,
           progress: Progress = _quiet, kind: str | None = None):
    """Check the return (and narrative) and write the submission pack: a SubmissionPack.

    Errors left refuse the pack (pack.ErrorsLeft, exit code 1) unless `accept_errors` gives the
    reason to send it anyway; the reason goes into the manifest and the e-mail.
    """
    # The rules, the pack, the e-mail and the user's settings (PyYAML), ~110 ms: not for `bcf check`.
    from .checks.run import check_template
    from .mail import submission_draft
    from .pack import write_pack
    from .userconfig import regional_managers

    managers = regional_managers() if draft else []      # said before any work is done
    progress(f"Reading {Path(workbook).name}")
    tpl = open_template(workbook, kind)
    progress("Checking")
    report = check_template(tpl, stale_caches=tpl.workbook.recalculate_on_open)
    contents = pack_contents(tpl, report, workbook, narrative=narrative, accept_errors=accept_errors,
                             progress=progress)
    see = f'bcf check "{workbook}"' + (f'` and `bcf narrative "{narrative}" --return "{workbook}"' if narrative else "")
    contents.refuse_errors(see)
    mail = submission_draft(contents, managers) if draft else None
    return write_pack(contents, folder or Path(workbook).resolve().parent, overwrite=overwrite, draft=mail)


@dataclass
class RollForwardResult:
    last: str
    template: str
    out: str
    backup: str | None
    plan: object                     # rollforward.RollForward
    written: int = 0


def inspect(workbook: str | Path, kind: str | None = None):
    """What the tool finds in a workbook and where, what it does not and why: an Inspection."""
    # The inspection, ~6 ms, not for `bcf check`; the file reader, ~25 ms, not for the ribbon's
    # other buttons, which read the open workbook.
    from .inspection import inspect_workbook
    from .xlsx.reader import read_workbook

    return inspect_workbook(read_workbook(str(workbook)), kind)


def rollforward(last: str | Path, template: str | Path, *, out: str | Path | None = None, in_place: bool = False,
                dry_run: bool = False, progress: Progress = _quiet) -> RollForwardResult:
    """Start `template` (this period's empty return) from `last`: scheme lines and contact details."""
    from .rollforward import plan_rollforward       # the carrying and the planner, ~30 ms: not for `bcf check`

    src = Path(template)

    def planned():
        progress(f"Reading {Path(last).name}")
        before = open_template(last)
        progress(f"Reading {src.name}")
        tpl = open_template(src)
        return tpl, plan_rollforward(before, tpl)

    (tpl, rolled), dest, backup = _write_planned(src, out, in_place, dry_run, progress, plan=planned,
                                                 writes_of=lambda p: p[1].writes)
    return RollForwardResult(str(last), tpl.description.kind, str(dest) if dest else "", backup, rolled,
                             len(rolled.writes))
