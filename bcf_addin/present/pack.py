"""The submission pack in words: what the command line prints, the ribbon says, and the e-mail's body."""
from __future__ import annotations

from .. import __version__
from ..checks.findings import Severity
from ..pack import PackContents, SubmissionPack
from ..submission import NATIONAL_TEAM
from .reports import count, severity_counts

ROLES = {"return": "the return", "narrative": "the narrative return"}


def _check_lines(c: PackContents) -> list[str]:
    r = c.report
    lines = [f"Check: {'Template Complete' if r.complete else 'Incomplete Template'}; {severity_counts(r.findings)}."]
    if c.narrative_report is not None:
        lines.append(f"Narrative check: {severity_counts(c.narrative_report.findings)}.")
    if c.errors:
        lines.append(f"Errors left: {count(len(c.errors), 'error')} ({', '.join(c.error_codes)}), "
                     f"accepted because: {c.accepted_errors}")
    return lines


def mail_body(c: PackContents) -> str:
    narrative = " with its narrative return" if any(f.role == "narrative" for f in c.files) else ""
    lines = [f"Please find attached the {c.title} for {c.hwb or 'our Health and Wellbeing Board'}{narrative}.", "",
             "Attached:"]
    lines += [f"  {f.name}: {ROLES.get(f.role, f.role)} ({f.size:,} bytes, SHA-256 {f.sha256})" for f in c.files]
    lines += ["", *_check_lines(c), "",
              f"Checked with bcf-addin {__version__} on {c.created:%d/%m/%Y at %H:%M}."]
    return "\n".join(lines) + "\n"


def _files(p: SubmissionPack) -> str:
    names = [f.name for f in p.contents.files] + [p.manifest.name]
    return ", ".join(names[:-1]) + " and " + names[-1]


def pack_text(p: SubmissionPack, *, draft_wanted: bool) -> str:
    """What `bcf submit` prints once the pack is written."""
    lines = [f"Saved {_files(p)} in {p.folder}"]
    lines += [f"Kept the previous file as {b}" for b in p.backups]
    lines += _check_lines(p.contents)
    if p.contents.report.stale_results:
        # The national aggregation reads the figures Excel saved; after a file-based write they
        # are recalculated only when Excel next opens and saves the file.
        lines.append("Before sending: open the copy in Excel and save it, so the template's own totals and "
                     "checkers are recalculated (bcf changed it outside Excel).")
    if p.draft is not None:
        lines.append(f"Wrote the e-mail draft {p.draft}: open it, read it, press Send.")
    elif not draft_wanted:
        lines.append(f"E-mail them to {NATIONAL_TEAM} and copy in your Better Care Manager "
                     "(or run again with --draft for an e-mail ready to send).")
    return "\n".join(lines)


def pack_summary(p: SubmissionPack, *, open_name: str, in_outlook: bool, managers_set: bool, config: str) -> str:
    """The ribbon's message once Save for submission has written the pack."""
    r = p.contents.report
    lines = [f"Saved for NHS England, in {p.folder}:", *(f"  {f.name}" for f in p.contents.files),
             f"  {p.manifest.name} (what was sent and what the check found)", "",
             f"The return you have open is unchanged and is still {open_name}."]
    errors = r.count(Severity.ERROR)
    if errors:
        lines.append(f"The copy has {count(errors, 'error')}: NHS England may send it back.")
    if in_outlook:
        lines.append("The e-mail is open in Outlook with the files attached: read it, then press Send.")
    elif p.draft is not None:
        lines.append(f"The e-mail is ready to send in {p.draft.name}: open it, read it, press Send.")
    if not managers_set:
        lines.append(f"To have your regional Better Care Manager copied in, write 'regional_manager: "
                     f"name@nhs.net' in {config}.")
    return "\n".join(lines)
