"""The submission pack: the return named as NHS England asks, the narrative beside it, a
manifest.json that says what was sent and what the check found, and, when asked, an unsent e-mail.

Everything is decided (checked, named, refused or accepted) before the first byte is written;
then every file is written whole under a temporary name and put in place together, the manifest
last, so a pack with a manifest is a whole pack. The same bytes are hashed, written and attached.
"""
from __future__ import annotations

import hashlib
import json
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from . import __version__
from .checks.findings import Severity
from .checks.report import CheckReport
from .errors import BcfError
from .files import Replacement
from .submission import CopyExists, same_file
from .located import TemplateName

MANIFEST = "manifest.json"
RETURN_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NARRATIVE_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ErrorsLeft(BcfError):
    """The check left errors and nobody said why the pack should go anyway."""

    exit_code = 1

    def __init__(self, n: int, codes: list[str], command_line: str):
        super().__init__(
            f"the check found {n} error{'s' * (n != 1)} ({', '.join(codes)}); nothing was saved",
            hint=f"run `{command_line}` to see them, or add --accept-errors \"REASON\" to send the pack anyway "
                 "with the reason recorded")
        self.codes = codes


@dataclass
class PackFile:
    """One file of the pack, as written: its name in the folder, its bytes and what it is."""

    name: str
    role: str                  # "return" or "narrative"
    data: bytes = field(repr=False)
    content_type: str = RETURN_TYPE
    source: Path | None = None            # the file the bytes were read from

    @classmethod
    def read(cls, path: str | Path, name: str, role: str, content_type: str = RETURN_TYPE) -> PackFile:
        return cls(name, role, Path(path).read_bytes(), content_type, Path(path))

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)

    def to_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "sha256": self.sha256, "size": self.size}


@dataclass
class PackContents:
    """What goes into a pack, decided before anything is written."""

    title: TemplateName
    hwb: str | None
    files: list[PackFile]
    report: CheckReport
    narrative_report: object | None = None      # narrative.check.NarrativeReport
    accepted_errors: str | None = None
    created: datetime = field(default_factory=lambda: datetime.now().astimezone())

    @property
    def errors(self) -> list:
        found = [*self.report.findings, *(self.narrative_report.findings if self.narrative_report else ())]
        return [f for f in found if f.severity is Severity.ERROR]

    @property
    def error_codes(self) -> list[str]:
        """The rule codes of the errors left, each once, in the order found."""
        return list(dict.fromkeys(f.code for f in self.errors))

    def refuse_errors(self, command_line: str) -> None:
        """Errors left block the pack unless a reason for sending it anyway was given."""
        if self.errors and not (self.accepted_errors or "").strip():
            raise ErrorsLeft(len(self.errors), self.error_codes, command_line)

    def manifest(self, draft: str | None) -> dict:
        r = self.report
        summary = {"complete": r.complete, "errors": r.count(Severity.ERROR),
                   "warnings": r.count(Severity.WARNING), "notes": r.count(Severity.INFO),
                   "stale_results": r.stale_results, "skipped_rules": r.skipped}
        out = {"tool": "bcf-addin", "tool_version": __version__, "created": self.created.isoformat(timespec="seconds"),
               "template": {"kind": self.title.kind, "name": self.title.name, "version": self.title.version},
               "hwb": self.hwb, "files": [f.to_dict() for f in self.files], "check": summary}
        if self.narrative_report is not None:
            n = self.narrative_report
            out["narrative_check"] = {"errors": n.count(Severity.ERROR), "warnings": n.count(Severity.WARNING),
                                      "notes": n.count(Severity.INFO), "compared_with": n.returns}
        out["errors_left"] = self.error_codes
        out["accepted_errors"] = self.accepted_errors
        out["draft"] = draft
        return out


@dataclass
class SubmissionPack:
    folder: Path
    contents: PackContents
    manifest: Path
    draft: Path | None = None
    backups: list[Path] = field(default_factory=list)

    @property
    def paths(self) -> list[Path]:
        """The files to send, in the pack's order (the return first)."""
        return [self.folder / f.name for f in self.contents.files]


def write_pack(contents: PackContents, folder: str | Path, *, overwrite: bool = False,
               draft=None) -> SubmissionPack:
    """Write the pack into `folder`; `draft` (a mail.Draft) is written beside it as an .eml.

    A file of any of the pack's names is refused unless `overwrite`, and then kept as a backup
    copy. A file already in the folder under its pack name (the narrative kept there, say) is the
    pack's own and is left as it is.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise BcfError("is not a folder that exists", file=str(folder))
    to_write = [f for f in contents.files if not (f.source and same_file(f.source, folder / f.name))]
    eml = (folder / contents.files[0].name).with_suffix(".eml") if draft is not None else None
    targets = [folder / f.name for f in to_write] + [folder / MANIFEST] + ([eml] if eml else [])
    if not overwrite:
        for target in targets:
            if target.exists():
                raise CopyExists(target)
    existing = "backup" if overwrite else "refuse"
    with ExitStack() as stack:
        # Entered first, so put in place last: the manifest lands only once every file it lists has.
        manifest = stack.enter_context(Replacement(folder / MANIFEST, existing=existing))
        mail = stack.enter_context(Replacement(eml, existing=existing)) if eml else None
        written = [stack.enter_context(Replacement(folder / f.name, existing=existing)) for f in reversed(to_write)]
        for staged, f in zip(written, reversed(to_write)):
            staged.file.write(f.data)
        if mail is not None:
            mail.file.write(bytes(draft.message()))
        text = json.dumps(contents.manifest(eml.name if eml else None), indent=2, ensure_ascii=False)
        manifest.file.write((text + "\n").encode("utf-8"))
    backups = [r.backup for r in (manifest, mail, *written) if r is not None and r.backup]
    return SubmissionPack(folder, contents, folder / MANIFEST, eml, backups)
