"""Writing the add-in's VBA project (xl/vbaProject.bin) without Excel.

Library: pyOpenVBA (MIT, pure Python, no dependencies). Its ``ExcelFile.create_new`` starts from a
blank .xlam that Excel itself saved, so the project's PROJECT and dir streams, its references
(including the Office library that ``IRibbonControl`` needs) and the workbook and sheet document
modules are Excel's own; pyOpenVBA then adds, removes and rewrites modules, keeping the dir,
PROJECT and PROJECTwm streams consistent. The alternative, ms-ovba 0.0.1, builds the project from
nothing and compresses with ms-ovba-compression 1.0.1, which gets the MS-OVBA specification's
own normal-compression example wrong and raises IndexError on any input of 4096 bytes or more;
xlwings' module is about 46 KB. docs/addin.md records the comparison.

Excel uses a project's compiled p-code only when the cache was written by its own VBA version;
otherwise it compiles the modules from their source text. The project is written so that there is
nothing to reuse:

* every module stream, the template's document modules included, is rewritten source-only
  (MODULEOFFSET 0, no p-code before the compressed source);
* the ``_VBA_PROJECT`` stream is cut to the 7 bytes MS-OVBA 2.3.4.1 prescribes for writers:
  0x61CC, version 0xFFFF (no Office build has that version), 0x00, 0x0000, and no cache;
* pyOpenVBA drops the ``__SRP_*`` cache streams, which writers must not emit.

So Excel reads the source of each module and compiles it for whatever version and bitness it is.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from pyopenvba import ExcelFile, VBAModuleKind
from pyopenvba.cfb import CFB

from bcf_addin.xlam.vba import VbaModule

VBA_PROJECT_PART = "xl/vbaProject.bin"
# [MS-OVBA] 2.3.4.1: Reserved1 0x61CC, Version 0xFFFF "on write", Reserved2 0x00, Reserved3.
SOURCE_ONLY_VBA_PROJECT = bytes.fromhex("cc61ffff000000")
_TEMPLATE_MODULE = "Module1"


def write_blank_addin_with(modules: list[VbaModule], out: Path) -> Path:
    """A blank Excel add-in whose VBA project holds ``modules`` as source only."""
    with tempfile.TemporaryDirectory() as scratch:
        staged = Path(scratch) / "staged.xlam"
        with ExcelFile.create_new(staged) as book:
            project = book.vba_project()
            project.delete_module(_TEMPLATE_MODULE)
            for module in modules:
                kind = VBAModuleKind.other if module.kind == "class" else VBAModuleKind.standard
                project.add_module(module.name, module.code, kind=kind)
            # Rewriting the template's own modules drops the p-code Excel compiled into them.
            for name in book.module_names():
                if name not in {m.name for m in modules}:
                    book.set_module(name, book.get_module(name))
            book.save()
        shutil.copyfile(staged, out)
    return out


def source_only(vba_project: bytes) -> bytes:
    """``vba_project`` with its performance cache removed (see the module docstring)."""
    storage = CFB.from_bytes(vba_project)
    storage.write_stream_in_storage("VBA", "_VBA_PROJECT", SOURCE_ONLY_VBA_PROJECT)
    return storage.to_bytes()
