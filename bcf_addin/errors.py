"""Errors a finance officer can act on: each names the file, and where known the sheet and cell."""
from __future__ import annotations

import errno


class BcfError(Exception):
    """Input the tool cannot use. The CLI prints it on one line and exits 2, having written nothing."""

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, sheet: str | None = None,
                 cell: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.sheet = sheet
        self.cell = cell
        self.hint = hint

    def where(self) -> str:
        parts = [p for p in (self.file, f"sheet '{self.sheet}'" if self.sheet else None,
                             f"cell {self.cell}" if self.cell else None) if p]
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} ({self.hint})" if self.hint else text


class NotAWorkbook(BcfError):
    """Not an .xlsx package at all, or a damaged one."""


class EncryptedWorkbook(BcfError):
    """Password-encrypted (an OLE container rather than a zip)."""


class WrongTemplate(BcfError):
    """A workbook, but not the template kind or year asked for."""


class NotRecognised(WrongTemplate):
    """A workbook, or an item in it, that no description's labels and headings account for:
    `bcf inspect` shows what was found, `bcf learn` describes a template not known yet."""


class RegisterError(BcfError):
    """The scheme register, income file or C&D table cannot be used."""


class UnmatchedHeadings(RegisterError):
    """The register's headings do not say which template column each feeds: a mapping can."""


class ProtectedCell(BcfError):
    """An attempt to write a cell that is locked, holds a formula, or lies outside the input area."""


_PLAIN = {
    errno.ENOSPC: "the disk is full",
    getattr(errno, "EDQUOT", errno.ENOSPC): "the disk is full",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the drive is read-only",
    errno.EISDIR: "is a folder, not a file",
    errno.ENOENT: "does not exist",
    errno.ENOTDIR: "a folder in its path is not a folder",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EBUSY: "is in use by another program",
}


def plain_os_error(exc: OSError) -> str:
    """What went wrong with a file, in words an officer can act on."""
    return _PLAIN.get(exc.errno, (exc.strerror or str(exc)).rstrip(".").lower())
