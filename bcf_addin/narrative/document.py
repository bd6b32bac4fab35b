"""A narrative .docx as its paragraphs and tables in document order, content controls included.

python-docx opens the package, but its paragraph and table lists skip whatever sits inside a
content control (w:sdt), which is where Word keeps drop-downs, dates and cover-page fields; so the
body XML is walked here, in order, through content controls and custom XML wrappers.
"""
from __future__ import annotations

import os
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from ..errors import BcfError
from ..xlsx.screening import OLE_MAGIC, check_entries, ole_is_encrypted

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_WRAPPERS = (f"{W}sdt", f"{W}customXml", f"{W}smartTag")

# What Word shows in a control nobody has filled in, and what templates type as a prompt.
PLACEHOLDER_TEXT = re.compile(
    r"Choose an item\.|Click or tap here to enter text\.|Click or tap to enter a date\.|"
    r"Click here to enter (?:text|a date)\.|Enter text here\.?", re.I)


@dataclass
class Paragraph:
    text: str
    placeholders: list[str] = field(default_factory=list)   # unfilled controls and prompt texts in it


@dataclass
class Table:
    rows: list[list[str]]
    placeholders: list[tuple[int, str]] = field(default_factory=list)   # (0-based row, text)


Block = Paragraph | Table


def read_blocks(path) -> list[Block]:
    """Every top-level paragraph and table of the document's body, in order."""
    body = open_docx(path).element.body
    return list(_blocks(body))


def open_docx(path):
    """The python-docx Document, or one line naming the file when it cannot be one."""
    # python-docx and lxml, ~80 ms: the narrative rules import this module to check a return too.
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    name = str(path)
    if not os.path.isfile(name):
        raise BcfError("does not exist" if not os.path.exists(name) else "is not a file", file=name)
    with open(name, "rb") as fh:
        head = fh.read(len(OLE_MAGIC))
    if head == OLE_MAGIC:
        if ole_is_encrypted(name):
            raise BcfError("is password-protected: open it in Word, remove the password "
                           "(File > Info > Protect Document > Encrypt with Password), save, and try again", file=name)
        raise BcfError("is an old Word 97-2003 .doc; save it as a Word Document (.docx) and try again", file=name)
    damaged = "is damaged or not a Word document (.docx)"
    try:
        with zipfile.ZipFile(name) as zf:
            check_entries(zf, name, os.path.getsize(name))
        return docx.Document(name)
    except BcfError:
        raise BcfError(damaged, file=name) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError, PackageNotFoundError,
            SyntaxError):
        # lxml's XMLSyntaxError is a SyntaxError; python-docx raises ValueError for another
        # Office file (an .xlsx) and KeyError for a package without a main document part.
        raise BcfError(damaged, file=name) from None


def _children(el, tag: str):
    """Direct children with `tag`, looking through content controls and custom XML around them."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            content = child.find(f"{W}sdtContent") if child.tag == f"{W}sdt" else child
            if content is not None:
                yield from _children(content, tag)


def _blocks(container):
    for child in container:
        if child.tag == f"{W}p":
            yield _paragraph(child)
        elif child.tag == f"{W}tbl":
            yield _table(child)
        elif child.tag in _WRAPPERS:
            content = child.find(f"{W}sdtContent") if child.tag == f"{W}sdt" else child
            if content is None:
                continue
            inner = list(_blocks(content))
            if _unfilled(child):
                for block in inner:
                    if isinstance(block, Paragraph):      # the whole paragraph is the control's prompt
                        block.placeholders = [block.text.strip() or "(empty content control)"]
            yield from inner


def _unfilled(sdt) -> bool:
    pr = sdt.find(f"{W}sdtPr")
    return pr is not None and pr.find(f"{W}showingPlcHdr") is not None


def _paragraph(p) -> Paragraph:
    parts: list[str] = []
    placeholders: list[str] = []
    _text(p, parts, placeholders)
    text = "".join(parts)
    prompts = "".join(_text_outside_unfilled(p))
    placeholders += [m.group(0) for m in PLACEHOLDER_TEXT.finditer(prompts)]
    return Paragraph(text, placeholders)


def _text(el, parts: list[str], placeholders: list[str]) -> None:
    """Text in reading order: runs, tabs and breaks; text boxes once (never their fallback copy)."""
    for child in el:
        tag = child.tag
        if tag == MC_FALLBACK:
            continue
        if tag == f"{W}t":
            parts.append(child.text or "")
        elif tag == f"{W}tab":
            parts.append("\t")
        elif tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        elif tag == f"{W}p" and parts:
            parts.append("\n")       # a text box's paragraphs inside this one
            _text(child, parts, placeholders)
        elif tag == f"{W}sdt" and _unfilled(child):
            inner: list[str] = []
            _text(child, inner, placeholders)
            placeholders.append("".join(inner).strip() or "(empty content control)")
            parts.extend(inner)
        else:
            _text(child, parts, placeholders)


def _text_outside_unfilled(el):
    """Text not inside an unfilled control: a prompt typed (or left) as plain text."""
    for child in el:
        if child.tag == MC_FALLBACK or (child.tag == f"{W}sdt" and _unfilled(child)):
            continue
        if child.tag == f"{W}t":
            yield child.text or ""
        else:
            yield from _text_outside_unfilled(child)


def _table(tbl) -> Table:
    rows, placeholders = [], []
    for i, tr in enumerate(_children(tbl, f"{W}tr")):
        cells = []
        for tc in _children(tr, f"{W}tc"):
            paragraphs = [_paragraph(p) for p in _children(tc, f"{W}p")]
            nested = [_table(t) for t in _children(tc, f"{W}tbl")]
            cells.append("\n".join(p.text for p in paragraphs))
            placeholders += [(i, text) for p in paragraphs for text in p.placeholders]
            placeholders += [(i, text) for t in nested for _, text in t.placeholders]
            if nested:
                cells[-1] += "\n" + "\n".join("\t".join(r) for t in nested for r in t.rows)
        rows.append(cells)
    return Table(rows, placeholders)
