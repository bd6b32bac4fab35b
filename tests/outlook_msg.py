"""Outlook .msg files for the tests, built here from the published formats, not by the e-mail
reader under test: a Compound File ([MS-CFB]) written by pyOpenVBA's CFB writer (the one the
add-in builds its VBA project with), holding a message laid out as [MS-OXMSG] says Outlook saves
one: its properties, a recipient and a workbook attachment.

    python tests/outlook_msg.py RETURN.xlsx OUT.msg
"""
from __future__ import annotations

import struct
import sys
from datetime import datetime, timezone
from pathlib import Path

from pyopenvba.cfb import CFB

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# [MS-OXPROPS] property types
LONG, TIME, TEXT, BINARY = 0x0003, 0x0040, 0x001F, 0x0102
FIXED = (LONG, TIME)
READ_WRITE = 0x00000006                    # PROPATTR_READABLE | PROPATTR_WRITABLE
FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=timezone.utc)

_FREE, _END, _FAT, _NONE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def outlook_with(name: str, data: bytes, sender: str, address: str, sent: datetime | None,
                 subject: str = "BCF return") -> bytes:
    """A received Outlook message from `sender` <`address`>, submitted at `sent` (None: a message
    without that property), with the workbook `name` attached."""
    cfb = CFB.from_bytes(_empty_compound_file())
    message = [(0x001A, TEXT, "IPM.Note"), (0x0037, TEXT, subject),
               (0x0C1A, TEXT, sender), (0x0C1E, TEXT, "SMTP"), (0x0C1F, TEXT, address), (0x5D01, TEXT, address),
               (0x0042, TEXT, sender), (0x0065, TEXT, address),
               (0x1000, TEXT, "Please find our BCF return attached."),
               (0x0E07, LONG, 0x00000001),          # MSGFLAG_READ: received, not a draft
               (0x340D, LONG, 0x00040000)]          # STORE_UNICODE_OK: the strings are UTF-16
    if sent is not None:
        message += [(0x0039, TIME, sent), (0x0E06, TIME, sent)]
    _object(cfb, (), message, header=struct.pack("<8xIIII8x", 1, 1, 1, 1))
    cfb.add_substorage_at((), "__nameid_version1.0")
    for stream in ("__substg1.0_00020102", "__substg1.0_00030102", "__substg1.0_00040102"):
        cfb.add_stream_at(("__nameid_version1.0",), stream, b"")
    recipient = "__recip_version1.0_#00000000"
    cfb.add_substorage_at((), recipient)
    _object(cfb, (recipient,), [(0x3000, LONG, 0), (0x0C15, LONG, 1),  # a To recipient
                                (0x3001, TEXT, "Better Care Fund team"), (0x3002, TEXT, "SMTP"),
                                (0x3003, TEXT, "england.bettercarefundteam@nhs.net"),
                                (0x39FE, TEXT, "england.bettercarefundteam@nhs.net")], header=bytes(8))
    attachment = "__attach_version1.0_#00000000"
    cfb.add_substorage_at((), attachment)
    _object(cfb, (attachment,), [(0x0E21, LONG, 0), (0x3705, LONG, 1),   # attached by value
                                 (0x370B, LONG, 0xFFFFFFFF), (0x3001, TEXT, name), (0x3707, TEXT, name),
                                 (0x3704, TEXT, _short_name(name)), (0x3703, TEXT, Path(name).suffix),
                                 (0x370E, TEXT, XLSX), (0x3701, BINARY, data)], header=bytes(8))
    return cfb.to_bytes()


def _object(cfb: CFB, where: tuple[str, ...], properties: list[tuple[int, int, object]], header: bytes) -> None:
    """A message, recipient or attachment: each variable-length property in a stream of its own,
    and every property listed in the object's property stream."""
    entries = [header]
    for number, kind, value in properties:
        tag = number << 16 | kind
        if kind in FIXED:
            fixed = _filetime(value) if kind == TIME else struct.pack("<I", value) + bytes(4)
            entries.append(struct.pack("<II", tag, READ_WRITE) + fixed)
            continue
        stream = value.encode("utf-16-le") if kind == TEXT else value
        # A string's size counts its terminating null ([MS-OXMSG] 2.4.2.2).
        size = len(stream) + (2 if kind == TEXT else 0)
        entries.append(struct.pack("<IIII", tag, READ_WRITE, size, 0))
        cfb.add_stream_at(where, f"__substg1.0_{tag:08X}", stream)
    cfb.add_stream_at(where, "__properties_version1.0", b"".join(entries))


def _filetime(when: datetime) -> bytes:
    delta = when - FILETIME_EPOCH
    ticks = (delta.days * 86_400 + delta.seconds) * 10_000_000 + delta.microseconds * 10
    return struct.pack("<Q", ticks)


def _short_name(name: str) -> str:
    stem, suffix = Path(name).stem, Path(name).suffix
    return "".join(ch for ch in stem.upper() if ch.isalnum())[:6] + "~1" + suffix[:4].upper()


def _empty_compound_file() -> bytes:
    """A version-3 compound file holding only its root storage ([MS-CFB] 2.2, 2.3, 2.6): the
    header, one FAT sector (sector 0) and one directory sector (sector 1)."""
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", bytes(16), 0x3E, 3,
                         0xFFFE, 9, 6, bytes(6), 0, 1, 1, 0, 4096, _END, 0, _END, 0)
    header += struct.pack("<109I", 0, *[_FREE] * 108)
    fat = struct.pack("<128I", _FAT, _END, *[_FREE] * 126)
    name = "Root Entry".encode("utf-16-le") + b"\x00\x00"
    root = struct.pack("<64sHBBIII16sIQQIII", name, len(name), 5, 1, _NONE, _NONE, _NONE, bytes(16), 0, 0, 0,
                       _END, 0, 0)
    unused = struct.pack("<64sHBBIII16sIQQIII", bytes(64), 0, 0, 0, _NONE, _NONE, _NONE, bytes(16), 0, 0, 0, 0, 0, 0)
    return header + fat + root + unused * 3


if __name__ == "__main__":
    book = Path(sys.argv[1])
    Path(sys.argv[2]).write_bytes(outlook_with(book.name, book.read_bytes(), "BCF Lead", "bcf.lead@council.gov.uk",
                                               datetime.now(timezone.utc)))
