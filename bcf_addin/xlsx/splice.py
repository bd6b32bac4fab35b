"""Edit an XML part by replacing byte ranges, so that everything not edited keeps its exact bytes.

Re-serialising a parsed part rewrites what it does not change (`<v></v>` becomes `<v/>`,
`&#163;` becomes `£`, attribute quotes change), which makes a return harder to compare with the
template and risks what a later Excel reads. Here expat is run over the part only to learn
where each element starts and ends; the edits are then spliced into the original bytes.
"""
from __future__ import annotations

import re

from . import safexml

# The end of a start tag: '>' outside quoted attribute values ('>' may appear inside them).
_START_TAG = re.compile(rb"""<[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>""")
_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class Element:
    """Where one element lies in the part: [start, end), its start tag ending at `tag_end`."""

    __slots__ = ("name", "attrs", "start", "end", "empty", "children", "text", "_data")

    def __init__(self, name: str, attrs: dict, start: int, data: bytes):
        self.name = name
        self.attrs = attrs
        self.start = start
        self.end = start
        self.empty = False
        self.children: list[Element] | tuple = ()      # a list once it has any: most cells have none
        self.text: list[str] | None = None
        self._data = data

    @property
    def tag_end(self) -> int:
        return self.end if self.empty else start_tag_end(self._data, self.start)

    @property
    def local(self) -> str:
        return self.name.rpartition(":")[2]

    def child(self, local: str) -> Element | None:
        for c in self.children:
            if c.name.rpartition(":")[2] == local:
                return c
        return None

    def content(self) -> str:
        return "".join(self.text or ())


def start_tag_end(data: bytes, start: int) -> int:
    m = _START_TAG.match(data, start)
    if m is None:
        raise ValueError("a start tag does not end")
    return m.end()


class Scanner:
    """An expat handler that records where elements are. `keep(path, attrs, parent)` is asked
    of every element below the root (path: the local names from the root down; parent: the
    recorded parent, or None) and says whether to record it; only children of recorded elements
    are recorded. Elements named in `texts` have their text collected."""

    def __init__(self, data: bytes, keep, texts: frozenset = frozenset()):
        self.data = data
        self.keep = keep
        self.texts = texts
        self.root: Element | None = None
        self.stack: list[Element | None] = []
        self.names: list[str] = []
        self.fresh: Element | None = None
        self.parser = safexml.parser(namespaces=False)
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._chars
        self.parser.buffer_text = False       # text offsets are not needed, only tag offsets

    def run(self) -> Element:
        self.parser.Parse(self.data, True)
        return self.root

    def _start(self, name: str, attrs: dict) -> None:
        local = name.rpartition(":")[2]
        self.names.append(local)
        self.fresh = None
        parent = self.stack[-1] if self.stack else None
        if self.root is None or self.keep(self.names, attrs, parent) and parent is not None:
            el = self.fresh = Element(name, attrs, self.parser.CurrentByteIndex, self.data)
            if local in self.texts:
                el.text = []
            if self.root is None:
                self.root = el
            elif parent.children:
                parent.children.append(el)
            else:
                parent.children = [el]
            self.stack.append(el)
        else:
            self.stack.append(None)

    def _end(self, name: str) -> None:
        el = self.stack.pop()
        self.names.pop()
        if el is not None:
            index = self.parser.CurrentByteIndex
            # Nothing came between start and end: either <x/>, where expat is now just past
            # the '/>', or <x></x>, where it is at the '</'.
            if el is self.fresh and self.data[index - 2:index] == b"/>":
                el.empty = True
                el.end = index
            else:
                el.end = self.data.index(b">", index) + 1
        self.fresh = None

    def _chars(self, text: str) -> None:
        self.fresh = None
        el = self.stack[-1] if self.stack else None
        if el is not None and el.text is not None:
            el.text.append(text)


def as_utf8(data: bytes) -> bytes:
    """A part written in UTF-16 (no spreadsheet program's habit) as UTF-8, whose markup is one
    byte a character and can be edited in place; any other part as it is."""
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data
    text = re.sub(r"""^(<\?xml[^>]*encoding\s*=\s*["'])[^"']*""", r"\1UTF-8", data.decode("utf-16"))
    return text.encode("utf-8")


def codec(data: bytes) -> str:
    """The Python codec for new text in this part, as its declaration says (UTF-8 by default)."""
    m = _ENCODING.match(data)
    return m.group(1).decode("ascii") if m else "utf-8"


_TEXT_SPECIAL = re.compile(r"[&<>\r]")
_ATTRIBUTE_SPECIAL = re.compile(r"[&<>\r\"\n\t]")


def escape(text: str, attribute: bool = False) -> str:
    if not (_ATTRIBUTE_SPECIAL if attribute else _TEXT_SPECIAL).search(text):
        return text         # most texts and nearly every attribute: nothing to escape
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    if attribute:
        text = text.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    return text


def start_tag(name: str, attrs: dict, empty: bool = False) -> str:
    if _ATTRIBUTE_SPECIAL.search("".join(attrs.values())):
        parts = "".join(f' {k}="{escape(v, True)}"' for k, v in attrs.items())
    else:
        parts = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return f"<{name}{parts}{'/>' if empty else '>'}"


def apply(data: bytes, edits: list[tuple[int, int, tuple, bytes]]) -> bytes:
    """`data` with each (start, end, order, new bytes) applied: [start, end) replaced; insertions
    at one place (start == end) go in `order`, before a replacement that starts there."""
    out = []
    pos = 0
    for start, end, _order, new in sorted(edits, key=lambda e: (e[0], e[1], e[2])):
        if start < pos:
            raise ValueError("overlapping edits")
        out.append(data[pos:start])
        out.append(new)
        pos = end
    out.append(data[pos:])
    return b"".join(out)
