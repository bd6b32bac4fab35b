"""The submission e-mail, made once and handed over unsent: as an .eml file or to Outlook.

`X-Unsent: 1` makes Outlook (and most mail programs) open the .eml as a new message ready to
send rather than as one received: the officer reads it and presses Send themselves.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage

from .pack import PackContents, PackFile
from .present import mail_body
from .submission import NATIONAL_TEAM


@dataclass
class Draft:
    to: list[str]
    cc: list[str]
    subject: str
    body: str
    attachments: list[PackFile] = field(default_factory=list)

    def message(self) -> EmailMessage:
        """The e-mail itself, marked unsent, its files attached."""
        msg = EmailMessage()
        msg["To"] = ", ".join(self.to)
        if self.cc:
            msg["Cc"] = ", ".join(self.cc)
        msg["Subject"] = self.subject
        msg["X-Unsent"] = "1"
        msg.set_content(self.body)
        for f in self.attachments:
            maintype, _, subtype = f.content_type.partition("/")
            msg.add_attachment(f.data, maintype=maintype, subtype=subtype, filename=f.name)
        return msg


def submission_draft(contents: PackContents, managers: list[str]) -> Draft:
    """To the national team, copied to the regional Better Care Manager(s), with the pack's files."""
    first = contents.files[0]
    subject = f"{first.name.rsplit('.', 1)[0]}: {contents.title.name}"
    return Draft([NATIONAL_TEAM], list(managers), subject, mail_body(contents), list(contents.files))
