"""A worksheet's cells read by pattern, where its sheetData is written as spreadsheet programs write it.

Expat calls back into Python for every tag and every text of a sheet, and those calls cost
several times the parse itself: a sheet of a few thousand scheme lines is read in a fraction
of the time by matching its cells whole. This is done only where the sheetData is plain, and
then gives exactly what expat would: every character of it is one of the few forms matched
here (a row tag, a cell with a value, a formula or a one-run inline string, white space), in
UTF-8, with no comment, CDATA, processing instruction, namespace declaration or character
XML forbids; text is unescaped and its line ends normalised as XML says. Anything else, and
any error at all, and the caller reads the whole part through expat instead, which then gives
the same cells or the same refusal as it always did.
"""
from __future__ import annotations

import re

# Text and attribute values hold no character XML forbids (the controls but tab, line feed and
# carriage return): one that does is not plain, and expat refuses it.
_TEXT = rb'[^<\x00-\x08\x0b\x0c\x0e-\x1f]*'
_ATTRS = rb'(?: [a-zA-Z0-9]{1,40}="[^"<&\x00-\x1f]*")*'
# One token of a sheetData: a cell, a row tag, or white space between them. A group is None
# when its part is absent (see Plain.cells).
_TOKEN = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?: s="([0-9]{1,9})")?(?: t="([a-zA-Z]{1,9})")?'
    rb'(?: cm="[0-9]{1,9}")?(?: vm="[0-9]{1,9}")?(?: ph="(?:0|1|true|false)")?'
    rb'(?:/>|>(?:'
    rb'(?:<f(' + _ATTRS + rb')(?:/>|>(' + _TEXT + rb')</f>))?'
    rb'(?:<v>(' + _TEXT + rb')</v>|(<v/>))?'
    rb'(?:<is>(?:<t( xml:space="preserve")?>(' + _TEXT + rb')</t>|(<t/>))</is>)?'
    rb'</c>))'
    rb'|<row(' + _ATTRS.replace(b"a-zA-Z0-9", b"a-zA-Z0-9:") + rb')(/?)>'
    rb'|(</row>)'
    rb'|[ \t\r\n]+')
_ATTR = re.compile(rb' ([a-zA-Z0-9:]+)="([^"]*)"')
_PROLOG = re.compile(rb'(?:\xef\xbb\xbf)?[ \t\r\n]*(?:<\?xml[^<>?]*\?>)?[ \t\r\n]*<worksheet([^<>]*)>')
_ENCODING = re.compile(rb'encoding=["\']([^"\']*)["\']')
_DECLARED = re.compile(rb'xmlns:([^=\s]+)=')
# Besides the controls: what XML 1.0 forbids in character data (U+FFFE, U+FFFF, the end of a
# CDATA section), which expat refuses.
_FORBIDDEN = (b"\xef\xbf\xbe", b"\xef\xbf\xbf", b"]]>")
_REFERENCE = re.compile(r'&(?:(amp|lt|gt|quot|apos)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));')
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_OTHER_CELLS = re.compile(rb'<c[ \t\r\n/>]')
_SHEET_DATA, _END = b"<sheetData>", b"</sheetData>"


class NotPlain(Exception):
    """The sheetData is not in the plain form: the whole part is read through expat."""


class Plain:
    """A worksheet part whose sheetData is plain: the part without it, and where it stands."""

    def __init__(self, data: bytes, start: int, end: int, prefixes: frozenset[bytes]):
        self.data, self.start, self.end, self.prefixes = data, start, end, prefixes
        self.rest = data[:start - len(_SHEET_DATA)] + data[end + len(_END):]

    def cells(self):
        """(column letters, row digits, s, t, formula, value, inline text, xml:space preserve,
        children) of each cell in order: the reference's parts as bytes, the rest each None when
        absent, the formula as (text, attributes), the inline text as written, and whether it has
        a formula, value or inline string at all. NotPlain at the first thing not plain."""
        pos, in_row = self.start, False
        for m in _TOKEN.finditer(self.data, self.start, self.end):
            if m.start() != pos:
                raise NotPlain()
            pos = m.end()
            (letters, digits, s, t, f_attrs, f_text, v, v_empty, preserve, text, t_empty,
             row_attrs, row_closed, row_end) = m.groups()
            if letters is not None:
                if not in_row:
                    raise NotPlain()
                formula = None
                if f_attrs is not None:
                    formula = (_text(f_text) if f_text is not None else "", _attributes(f_attrs, ()))
                if v is not None:
                    v = _text(v)
                elif v_empty is not None:
                    v = ""
                inline = _text(text) if text is not None else "" if t_empty is not None else None
                yield letters, digits, s and s.decode(), t and t.decode(), formula, v, inline, preserve is not None, \
                    formula is not None or v is not None or inline is not None
            elif row_attrs is not None:
                if in_row:
                    raise NotPlain()
                # One attribute with no prefix (r="12", as a row mostly has) needs no look.
                if row_attrs and (row_attrs.count(b'="') > 1 or b":" in row_attrs or b" xmlns" in row_attrs):
                    _attributes(row_attrs, self.prefixes)
                in_row = not row_closed
            elif row_end is not None:
                if not in_row:
                    raise NotPlain()
                in_row = False
        if pos != self.end or in_row:
            raise NotPlain()


def split(data: bytes) -> Plain | None:
    """The part as a Plain, or None where it cannot be one (read it all through expat)."""
    if data.count(b"<sheetData") != 1 or data.count(_SHEET_DATA) != 1 or data.count(_END) != 1:
        return None
    prolog = _PROLOG.match(data)
    if prolog is None:
        return None
    encoding = _ENCODING.search(data, 0, prolog.start(1))
    if encoding is not None and encoding.group(1).lower() not in (b"utf-8", b"utf8"):
        return None
    start = data.index(_SHEET_DATA) + len(_SHEET_DATA)
    end = data.index(_END)
    # Nothing between the root and the sheetData may change what an unprefixed name means.
    if end < start or data.find(b"xmlns", prolog.end(), end) >= 0:
        return None
    if any(data.find(forbidden, start, end) >= 0 for forbidden in _FORBIDDEN) \
            or _OTHER_CELLS.search(data, 0, start - len(_SHEET_DATA)) or _OTHER_CELLS.search(data, end):
        return None
    if not data[start:end].isascii():
        try:
            data[start:end].decode("utf-8")
        except UnicodeDecodeError:
            return None
    return Plain(data, start, end, frozenset(_DECLARED.findall(prolog.group(1))))


def _text(raw: bytes) -> str:
    """Character data as expat gives it: line ends normalised, then references replaced."""
    raw = raw.decode("utf-8")
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if "&" not in raw:
        return raw
    if raw.count("&") != len(_REFERENCE.findall(raw)):
        raise NotPlain()
    return _REFERENCE.sub(_referenced, raw)


def _referenced(m: re.Match) -> str:
    if m.group(1):
        return _NAMED[m.group(1)]
    code = int(m.group(2)) if m.group(2) else int(m.group(3), 16)
    if not (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF):
        raise NotPlain()
    return chr(code)


def _attributes(text: bytes, prefixes) -> dict[str, str]:
    """A tag's attributes, each once, none declaring a namespace, prefixes only as declared."""
    found = dict(_ATTR.findall(text))
    if len(found) != text.count(b'="'):
        raise NotPlain()
    for name in found:
        prefix, colon, _ = name.partition(b":")
        if name.startswith(b"xmlns") or colon and prefix not in prefixes or name.count(b":") > 1:
            raise NotPlain()
    return {name.decode(): value.decode("utf-8") for name, value in found.items()}
