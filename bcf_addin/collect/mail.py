"""Workbook attachments taken out of e-mails in memory: .eml with the standard library, Outlook
.msg through extract-msg. Nothing is saved to disk."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from io import BytesIO
from pathlib import Path

from ..errors import BcfError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class Mail:
    sender: str | None
    sent: datetime | None
    attachments: list[tuple[str, bytes]] = field(default_factory=list)   # (file name, content)


def is_workbook_name(name: str | None) -> bool:
    return bool(name) and name.lower().endswith(WORKBOOK_SUFFIXES) and not Path(name).name.startswith("~$")


def read_mail(path: Path, data: bytes | None = None) -> Mail:
    """The sender, date and workbook attachments of an .eml or .msg file (`data`: its bytes,
    when they have been read already)."""
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise BcfError(f"cannot be read ({exc.strerror})", file=str(path)) from None
    if path.suffix.lower() == ".msg":
        return _read_msg(path, data)
    return _read_eml(path, data)


def _read_eml(path: Path, data: bytes) -> Mail:
    msg = BytesParser(policy=policy.default).parsebytes(data)
    if not msg.keys():
        raise BcfError("is not an e-mail (no headers)", file=str(path))
    mail = Mail(_text(msg.get("From")), _date(msg.get("Date")))
    for part in msg.iter_attachments():
        name = part.get_filename()
        if is_workbook_name(name):
            mail.attachments.append((Path(name).name, part.get_payload(decode=True) or b""))
    return mail


def _read_msg(path: Path, data: bytes) -> Mail:
    try:
        import extract_msg
    except ImportError:
        raise BcfError("is an Outlook .msg e-mail, which needs extract-msg: pip install extract-msg",
                       file=str(path)) from None
    try:
        # As a stream: short bytes given as such would be taken for a file name to open.
        msg = extract_msg.openMsg(BytesIO(data))
    except Exception as exc:  # extract-msg raises many kinds for a damaged container
        raise BcfError(f"is not an Outlook e-mail that can be read ({exc})", file=str(path)) from None
    try:
        sent = msg.date if isinstance(msg.date, datetime) else None
        mail = Mail(_text(msg.sender), sent)
        for att in msg.attachments:
            name = getattr(att, "longFilename", None) or getattr(att, "shortFilename", None)
            data = getattr(att, "data", None)
            if is_workbook_name(name) and isinstance(data, bytes):
                mail.attachments.append((Path(name).name, data))
    finally:
        msg.close()
    return mail


def _text(value) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _date(value) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return None
