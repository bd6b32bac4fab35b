"""XML from an untrusted workbook, through the standard library's expat and nothing else.

A workbook part never needs a DTD (the packaging standard forbids one), so any entity
declaration is refused outright, as defusedxml does: no entity expansion (billion laughs), no
external entity (a file or URL read on the reader's behalf). Standard library only, so that the
same code runs where no compiled XML library can be installed.
"""
from __future__ import annotations

from xml.etree.ElementTree import Element, TreeBuilder
from xml.parsers import expat

ExpatError = expat.ExpatError


class EntitiesForbidden(ValueError):
    """The part declares entities: never written by a spreadsheet program."""


def _refuse(*_args) -> None:
    raise EntitiesForbidden("entity declarations are not allowed in a workbook part")


def parser(namespaces: bool = True) -> expat.XMLParserType:
    """An expat parser that refuses entity declarations and external references.

    With `namespaces`, names come as '{namespace}local', as ElementTree writes them, once the
    caller has put back the leading brace (expat gives 'namespace}local').
    """
    p = expat.ParserCreate(namespace_separator="}" if namespaces else None)
    p.EntityDeclHandler = _refuse
    p.UnparsedEntityDeclHandler = _refuse
    p.ExternalEntityRefHandler = _refuse
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    p.buffer_text = True
    p.buffer_size = 1 << 16
    return p


def _qualified(name: str, cache: dict[str, str]) -> str:
    q = cache.get(name)
    if q is None:
        q = cache[name] = "{" + name if "}" in name else name
    return q


def parse_tree(data: bytes) -> Element:
    """The part as an ElementTree element (comments and processing instructions left out)."""
    p = parser()
    builder = TreeBuilder()
    names: dict[str, str] = {}

    def start(tag: str, attrs: dict) -> None:
        builder.start(_qualified(tag, names),
                      {_qualified(k, names): v for k, v in attrs.items()} if attrs else {})

    p.StartElementHandler = start
    p.EndElementHandler = lambda tag: builder.end(_qualified(tag, names))
    p.CharacterDataHandler = builder.data
    p.Parse(data, True)
    return builder.close()


def local(tag: str) -> str:
    return tag.rpartition("}")[2]


def namespace(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""
