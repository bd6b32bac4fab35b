"""Decode a text file honestly: UTF-8 (with or without a byte-order mark), UTF-16 with one, or
Windows-1252 when the file is plainly not UTF-8. A file that mixes encodings is refused by line:
read either way, part of it would be written into the return as mojibake ('â€“' for '–').
"""
from __future__ import annotations

import codecs
import re

from .errors import RegisterError

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_SAVE_AS = "save it again as 'CSV UTF-8 (Comma delimited)' after retyping the dashes, quotes and £ signs on that line"

# A well-formed UTF-8 multi-byte sequence (RFC 3629). A Windows-1252 file almost never holds one by
# chance: it would take a pair like 'Ã©' in the text.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}")


def _as_1252(byte: int) -> str:
    # Excel shows the five bytes Windows-1252 leaves undefined as the Latin-1 control characters.
    return bytes([byte]).decode("cp1252", errors="ignore") or chr(byte)


_TAIL = re.escape("".join(_as_1252(b) for b in range(0x80, 0xC0)))
# UTF-8 text that was once read as Windows-1252 and saved again: a lead byte's character followed
# by continuation bytes' characters.
_MOJIBAKE = re.compile(f"[\u00c2-\u00df][{_TAIL}]|[\u00e0-\u00ef][{_TAIL}]{{2}}|[\u00f0-\u00f4][{_TAIL}]{{3}}")


def decode_text(data: bytes, file: str) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _refuse_garbled(_strict(data[len(bom):], encoding, file), file)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8 = _UTF8_SEQUENCE.search(data)
        if utf8:
            raise RegisterError(
                f"mixes two text encodings: line {_line_at(data, exc.start)} is in Windows-1252 (Excel's plain "
                f"'CSV') but line {_line_at(data, utf8.start())} is in UTF-8, where "
                f"'{utf8.group().decode('utf-8')}' would be written as '{utf8.group().decode('cp1252', 'replace')}'",
                file=file, hint=_SAVE_AS) from None
        text = _strict(data, "cp1252", file)
    return _refuse_garbled(text, file)


def _strict(data: bytes, encoding: str, file: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        name = {"cp1252": "Windows-1252"}.get(encoding, encoding.upper())
        raise RegisterError(f"line {_line_at(data, exc.start, encoding)} is not valid {name} text",
                            file=file, hint="save it again from Excel as 'CSV UTF-8 (Comma delimited)'") from None


def _line_at(data: bytes, offset: int, encoding: str = "latin-1") -> int:
    return data[:offset].decode(encoding, errors="replace").count("\n") + 1


def _refuse_garbled(text: str, file: str) -> str:
    nul = text.find("\x00")
    if nul >= 0:
        raise RegisterError(f"line {text.count(chr(10), 0, nul) + 1} holds a NUL character: the file is not plain "
                            "text, or is UTF-16 without the byte-order mark that says so",
                            file=file, hint="save it again from Excel as 'CSV UTF-8 (Comma delimited)'")
    for m in _MOJIBAKE.finditer(text):
        try:
            meant = bytes(_byte_1252(ch) for ch in m.group()).decode("utf-8")
        except UnicodeDecodeError:
            continue
        line = text.count("\n", 0, m.start()) + 1
        raise RegisterError(f"line {line} holds '{m.group()}' where '{meant}' was meant: the text was saved "
                            "in the wrong encoding at some point", file=file, hint=_SAVE_AS)
    return text


def _byte_1252(ch: str) -> int:
    try:
        return ch.encode("cp1252")[0]
    except UnicodeEncodeError:
        return ord(ch)          # one of the undefined five, shown as its Latin-1 control character
