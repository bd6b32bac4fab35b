"""Build a narrative .docx from the text of Leicestershire's 2026-27 draft, with zipfile and string XML.

Deliberately independent of the reader (no python-docx): the WordprocessingML is written the way
Word writes it, so the reader is tested against Word's own structures, not against itself.

The text file's conventions: paragraphs are separated by blank lines; consecutive lines holding
tabs are the rows of one table (blank lines inside a table, where a row broke across a page, do
not end it); a line that is only 'Choose an item.' is an unfilled drop-down content control
('[control: Pick a status]' one showing that prompt); 'MAY 1, 2026' is a filled date content
control; '- ' starts a list paragraph; Markdown
emphasis (**) and links ([text](#)) are reduced to their text.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

DRAFT = Path(__file__).parent / "data" / "leicestershire-narrative-2026-27-draft.txt"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
</Types>"""

_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""

_DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""

_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W}">
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="character" w:styleId="PlaceholderText"><w:name w:val="Placeholder Text"/><w:rPr><w:color w:val="808080"/></w:rPr></w:style>
<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/></w:style>
</w:styles>"""

_sdt_ids = iter(range(-1854013400, 0, 7))


def _run(text: str) -> str:
    parts = text.split("\n")
    runs = []
    for i, part in enumerate(parts):
        if i:
            runs.append("<w:br/>")
        runs.append(f'<w:t xml:space="preserve">{escape(part)}</w:t>')
    return f"<w:r>{''.join(runs)}</w:r>"


def _paragraph(text: str, style: str | None = None) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{ppr}{_run(text) if text else ''}</w:p>"


def _dropdown(prompt: str = "Choose an item.", items: tuple[str, ...] = ("Draft", "Final")) -> str:
    """An unfilled drop-down list content control, inline in its paragraph, as Word saves it."""
    choices = "".join(f'<w:listItem w:displayText="{escape(i)}" w:value="{escape(i)}"/>' for i in items)
    return (f"<w:sdt><w:sdtPr><w:id w:val=\"{next(_sdt_ids)}\"/>"
            '<w:placeholder><w:docPart w:val="DefaultPlaceholder_-1854013438"/></w:placeholder>'
            f'<w:showingPlcHdr/><w:dropDownList><w:listItem w:value=""/>{choices}</w:dropDownList></w:sdtPr>'
            '<w:sdtEndPr/><w:sdtContent><w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr>'
            f'<w:t>{escape(prompt)}</w:t></w:r></w:sdtContent></w:sdt>')


def _date_control(text: str) -> str:
    """A filled date content control around a whole paragraph (block level), as a cover page has."""
    return (f'<w:sdt><w:sdtPr><w:alias w:val="Date"/><w:id w:val="{next(_sdt_ids)}"/>'
            '<w:date w:fullDate="2026-05-01T00:00:00Z"><w:dateFormat w:val="MMMM d, yyyy"/>'
            '<w:lid w:val="en-GB"/><w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/>'
            f'</w:date></w:sdtPr><w:sdtContent>{_paragraph(text)}</w:sdtContent></w:sdt>')


def _cell(text: str) -> str:
    return f'<w:tc><w:tcPr><w:tcW w:w="0" w:type="auto"/></w:tcPr>{_paragraph(text)}</w:tc>'


def _table(rows: list[list[str]]) -> str:
    width = max(len(r) for r in rows)
    grid = "".join('<w:gridCol w:w="1800"/>' for _ in range(width))
    body = "".join(f"<w:tr>{''.join(_cell(c) for c in row + [''] * (width - len(row)))}</w:tr>" for row in rows)
    return (f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>")


def _plain(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\(#\)", r"\1", text)
    return text.replace("**", "")


def body_xml(text: str) -> str:
    """The w:body content for the draft's text."""
    out: list[str] = []
    table: list[list[str]] = []
    para: list[str] = []

    def end_paragraph():
        if para:
            joined = "\n".join(para)
            if joined.startswith("- "):
                out.append(_paragraph(_plain(joined[2:]), "ListParagraph"))
            else:
                out.append(_paragraph(_plain(joined)))
            para.clear()

    def end_table():
        if table:
            out.append(_table(table))
            table.clear()

    for raw in text.splitlines():
        line = raw.rstrip(" \r\n\u00a0")
        if "\t" in line:
            end_paragraph()
            table.append([_plain(c.strip()) for c in line.split("\t")])
            continue
        if not line.strip():
            end_paragraph()
            continue          # a blank line inside a table does not end it
        end_table()
        control = re.fullmatch(r"\[control: (.*)\]", line.strip())
        if line.strip() == "Choose an item." or control:
            end_paragraph()
            out.append(f"<w:p>{_dropdown(control.group(1) if control else 'Choose an item.')}</w:p>")
        elif line.strip() == "MAY 1, 2026":
            end_paragraph()
            out.append(_date_control(line.strip()))
        else:
            if line.startswith("- "):
                end_paragraph()      # each list item is a paragraph of its own
            para.append(line.strip())
    end_paragraph()
    end_table()
    return "".join(out)


def document_xml(text: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:document xmlns:w="{W}" xmlns:mc="{MC}" xmlns:w14="{W14}" mc:Ignorable="w14">'
            f'<w:body>{body_xml(text)}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>')


def draft_text(edits: dict[str, str] | None = None) -> str:
    """The draft's text with each `old: new` edit applied (each `old` must occur)."""
    text = DRAFT.read_text(encoding="utf-8")
    for old, new in (edits or {}).items():
        assert old in text, f"{old!r} is not in the draft"
        text = text.replace(old, new)
    return text


def build_narrative(path: Path, edits: dict[str, str] | None = None, *, text: str | None = None) -> Path:
    """Write a .docx of the Leicestershire 2026-27 draft (with `edits`), or of `text`."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/_rels/document.xml.rels", _DOC_RELS)
        z.writestr("word/styles.xml", _STYLES)
        z.writestr("word/document.xml", document_xml(text if text is not None else draft_text(edits)))
    return path
